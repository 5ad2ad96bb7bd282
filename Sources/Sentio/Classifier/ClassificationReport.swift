/// Accuracy figures of predictions against true labels, as the emotion-recognition literature reports them.
///
/// UAR, the unweighted average recall (the mean over classes of each class's recall), is the field's
/// headline figure because it does not reward favouring the majority class (Schuller et al., "The
/// INTERSPEECH 2009 emotion challenge"); WAR is plain accuracy.
public struct ClassificationReport: Sendable, Equatable {
    /// Class names; rows and columns of ``confusion`` follow this order.
    public var classes: [String]
    /// `confusion[t][p]`: examples of true class t predicted as class p.
    public var confusion: [[Int]]

    /// A report from true and predicted class indices.
    public init(classes: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "one prediction per example")
        self.classes = classes
        confusion = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
    }

    /// Recall of each class (0 for a class without examples).
    public var perClassRecall: [Double] {
        confusion.enumerated().map { t, row in
            let total = row.reduce(0, +)
            return total == 0 ? 0 : Double(row[t]) / Double(total)
        }
    }

    /// Recall of each class, nil for a class without examples (a test corpus may lack some of the model's
    /// classes): what UAR averages.
    public var recallOfPresentClasses: [Double?] {
        zip(confusion, perClassRecall).map { row, recall in row.reduce(0, +) > 0 ? recall : nil }
    }

    /// Unweighted average recall, in [0, 1], over the classes that have examples.
    public var uar: Double {
        let present = recallOfPresentClasses.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// Weighted average recall (accuracy), in [0, 1].
    public var war: Double {
        let total = confusion.joined().reduce(0, +)
        return total == 0 ? 0 : Double(confusion.indices.map { confusion[$0][$0] }.reduce(0, +)) / Double(total)
    }

    /// Number of examples.
    public var count: Int { confusion.joined().reduce(0, +) }
}
