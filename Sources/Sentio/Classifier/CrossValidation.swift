/// Assignments of examples to cross-validation folds.
///
/// Folds are always formed from *recordings* (and, when speakers are known, from *speakers*), never from
/// segments, so no test recording or speaker shares material with its training folds.
public enum CrossValidation {
    /// One fold per group: leave-one-speaker-out when the groups are speakers. Folds are numbered in
    /// the sorted order of the group names.
    public static func leaveOneGroupOut(groups: [String]) -> [Int] {
        let names = Set(groups).sorted()
        let fold = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return groups.map { fold[$0]! }
    }

    /// `k` folds of whole groups: the groups, sorted by name, go to folds 0, 1, ..., k−1, 0, ... in turn.
    /// With fewer than `k` groups there are as many folds as groups.
    public static func groupKFold(groups: [String], folds k: Int) -> [Int] {
        let names = Set(groups).sorted()
        let fold = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0 % k) })
        return groups.map { fold[$0]! }
    }

    /// `k` folds stratified by class: each class's examples, shuffled with `seed`, are dealt to the folds
    /// in turn (continuing where the previous class stopped), so every fold has about the same class mix.
    /// Classes are taken in the order they first appear in `labels`, not by index: class indices follow the
    /// sorted class names, and renaming a class must not change the folds.
    public static func stratifiedKFold(labels: [Int], folds k: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        var seen = Set<Int>()
        for c in labels where seen.insert(c).inserted {
            var members = labels.indices.filter { labels[$0] == c }
            random.shuffle(&members)
            for i in members {
                fold[i] = next % k
                next += 1
            }
        }
        return fold
    }

    /// ``stratifiedKFold(labels:folds:seed:)`` over whole recordings: `recordings[row]` names each row's
    /// recording (its label is that of its first row), the recordings are stratified by label, and every
    /// row goes to its recording's fold.
    /// - Returns: the fold of each row, and the number of recordings of the rarest of the `classes` classes
    ///   (0 when one is absent; below `k`, some folds lack that class).
    public static func stratifiedKFold(labels: [Int], recordings: [Int], classes: Int, folds k: Int,
                                       seed: UInt64) -> (folds: [Int], fewestPerClass: Int) {
        var recordingLabel: [Int: Int] = [:]
        for (r, recording) in recordings.enumerated() where recordingLabel[recording] == nil {
            recordingLabel[recording] = labels[r]
        }
        let ids = recordingLabel.keys.sorted()
        var perClass = [Int](repeating: 0, count: classes)
        for id in ids { perClass[recordingLabel[id]!] += 1 }
        let assignment = stratifiedKFold(labels: ids.map { recordingLabel[$0]! }, folds: k, seed: seed)
        let foldOf = Dictionary(uniqueKeysWithValues: zip(ids, assignment))
        return (recordings.map { foldOf[$0]! }, perClass.min() ?? 0)
    }
}
