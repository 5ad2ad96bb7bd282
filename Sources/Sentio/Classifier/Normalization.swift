/// How feature vectors are normalised before the classifier sees them.
///
/// Speaker (and recording-session) differences dominate raw acoustic features: a low-pitched speaker's
/// happiness can look like a high-pitched speaker's neutral. Normalising each speaker's vectors by that
/// speaker's own statistics removes much of it (Schuller et al., "Acoustic emotion recognition: a benchmark
/// comparison of performances", ASRU 2009, who report large gains from speaker normalisation on EmoDB).
/// Every mode is followed by global standardisation with statistics of the training data
/// (``Standardizer``), stored with the model.
///
/// Modes that normalise groups of files (`speaker`, `corpus`) are transductive at test time: the
/// statistics come from the unlabelled test recordings themselves, never from their labels.
public enum FeatureNormalization: String, Sendable, Hashable, Codable, CaseIterable {
    /// Global standardisation only. Works on any audio, one file at a time; the bundled model uses it.
    case none
    /// Each speaker's vectors are z-normalised with the mean and deviation of all that speaker's vectors
    /// (computed without labels, so an unseen speaker's own recordings supply the statistics at test time).
    /// Needs speaker ids for training and for scoring.
    case speaker
    /// Each file's segment vectors are z-normalised with that file's own statistics: a recording is
    /// treated as one session of one speaker. Needs several segments per file (`--segment`/`--vad`); what
    /// remains is how each segment differs from the rest of its recording, so it suits long recordings
    /// whose emotion varies, not corpora of one-emotion utterances.
    case file
    /// Each corpus is z-normalised with its own statistics: the training corpus when training; at test time
    /// the test corpus, and when scoring, the files scored together. This removes a corpus's recording
    /// conditions (microphone, level, room, language-wide prosody) and is the usual remedy in cross-corpus
    /// emotion recognition (Schuller et al., "Cross-corpus acoustic emotion recognition: variances and
    /// strategies", IEEE TAC 2010). A small batch cannot stand for its corpus, so the batch's statistics
    /// are blended with the training corpus's (stored with the model) in proportion to its number of
    /// segments, ``normalizeTowards(_:prior:priorRows:)``: one file is scored almost as with `none`, a
    /// batch of hundreds of segments almost entirely with its own statistics.
    case corpus
}

/// Z-normalises the rows of `matrix` group by group: each row has `groups[row]`, and every group's rows get
/// their group's mean subtracted and are divided by the group's population standard deviation (columns
/// that are constant within a group are only centred). A group of one row becomes all zeros.
public func normalizeByGroup<Group: Hashable>(_ matrix: inout FeatureMatrix, groups: [Group]) {
    precondition(groups.count == matrix.rows, "one group per row")
    var members: [Group: [Int]] = [:]
    for (r, g) in groups.enumerated() { members[g, default: []].append(r) }
    let columns = matrix.columns
    var mean = [Double](repeating: 0, count: columns), scale = mean
    matrix.withUnsafeMutableValues { v in
        for rows in members.values {
            Standardizer.fit(rows: rows, columns: columns, values: UnsafeBufferPointer(v), mean: &mean, scale: &scale)
            for r in rows {
                let base = r * columns
                for c in 0..<columns { v[base + c] = (v[base + c] - mean[c]) / scale[c] }
            }
        }
    }
}

/// Z-normalises all rows of `matrix` as one group whose statistics are its own blended with `prior`'s:
/// with n rows, batch mean m_b and variance v_b, and the prior's m_t and v_t, each column uses
/// m = w m_b + (1 − w) m_t and v = w (v_b + (m_b − m)²) + (1 − w)(v_t + (m_t − m)²) with w = n / (n + priorRows)
/// (the moments of the mixture of the two), so `priorRows` rows weigh as much as the prior.
public func normalizeTowards(_ matrix: inout FeatureMatrix, prior: Standardizer, priorRows: Double) {
    precondition(prior.mean.count == matrix.columns, "prior for \(prior.mean.count) columns applied to \(matrix.columns)")
    let columns = matrix.columns, rows = matrix.rows
    guard rows > 0 else { return }
    let w = Double(rows) / (Double(rows) + priorRows)
    matrix.withUnsafeMutableValues { v in
        for c in 0..<columns {
            var sum = 0.0
            for r in 0..<rows { sum += v[r * columns + c] }
            let batchMean = sum / Double(rows)
            var ss = 0.0
            for r in 0..<rows {
                let d = v[r * columns + c] - batchMean
                ss += d * d
            }
            let m = w * batchMean + (1 - w) * prior.mean[c]
            let variance = w * (ss / Double(rows) + (batchMean - m) * (batchMean - m))
                + (1 - w) * (prior.scale[c] * prior.scale[c] + (prior.mean[c] - m) * (prior.mean[c] - m))
            let sd = variance.squareRoot()
            let scale = sd > 1e-12 * max(1, abs(m)) ? sd : 1
            for r in 0..<rows { v[r * columns + c] = (v[r * columns + c] - m) / scale }
        }
    }
}

/// Per-column standardisation `(x − mean) / scale`, fitted on training data and stored with a model.
public struct Standardizer: Sendable, Hashable, Codable {
    /// Column means.
    public var mean: [Double]
    /// Column population standard deviations; 1 for a constant column.
    public var scale: [Double]

    /// Creates a standardiser from column means and scales (one per column, in the same order).
    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Fits the column statistics of `matrix`.
    public init(fitting matrix: FeatureMatrix) {
        var mean = [Double](repeating: 0, count: matrix.columns), scale = mean
        matrix.withUnsafeValues {
            Self.fit(rows: Array(0..<matrix.rows), columns: matrix.columns, values: $0, mean: &mean, scale: &scale)
        }
        self.init(mean: mean, scale: scale)
    }

    /// Standardises every row of `matrix` in place.
    public func apply(to matrix: inout FeatureMatrix) {
        precondition(matrix.columns == mean.count, "standardizer for \(mean.count) columns applied to \(matrix.columns)")
        let columns = matrix.columns
        matrix.withUnsafeMutableValues { v in
            for base in stride(from: 0, to: v.count, by: columns) {
                for c in 0..<columns { v[base + c] = (v[base + c] - mean[c]) / scale[c] }
            }
        }
    }

    /// Mean and population deviation (1 when below 1e-12 relative to the mean's size) of the given rows.
    static func fit(rows: [Int], columns: Int, values: UnsafeBufferPointer<Double>,
                    mean: inout [Double], scale: inout [Double]) {
        let n = Double(max(rows.count, 1))
        for c in 0..<columns {
            var sum = 0.0
            for r in rows { sum += values[r * columns + c] }
            let m = sum / n
            var ss = 0.0
            for r in rows {
                let d = values[r * columns + c] - m
                ss += d * d
            }
            let sd = (ss / n).squareRoot()
            mean[c] = m
            scale[c] = sd > 1e-12 * max(1, abs(m)) ? sd : 1
        }
    }
}
