/// The classifiers Sentio trains.
public enum ClassifierKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Multinomial logistic regression with L2 (``LogisticRegressionTrainer``, L-BFGS).
    case logreg
    /// Multilayer perceptron (``MultilayerPerceptronTrainer``, Adam).
    case mlp
}

/// Training settings, with the defaults the bundled model uses.
///
/// The regularisation strength is the one hyper-parameter tuned: each candidate is scored by UAR in an
/// inner cross-validation over the training data only (whole speakers per fold when at least ``innerFolds``
/// speakers are known, else class-stratified whole recordings), averaged with its neighbours' on the grid,
/// and the best is refitted on all the training data. When the rarest class has fewer than ``innerFolds``
/// recordings (and speakers do not form the folds) nothing is selected: the middle candidate is used and
/// ``TrainedClassifier/selectionUAR`` is empty.
public struct ClassifierOptions: Sendable, Hashable, Codable {
    /// Which classifier.
    public var kind: ClassifierKind = .logreg
    /// Candidate `C` (inverse L2 strength) for logistic regression, strongest regularisation first;
    /// ties go to the earlier candidate.
    public var logregC: [Double] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1]
    /// Hidden layer widths of the MLP (one or two layers).
    public var hiddenUnits: [Int] = [64]
    /// Candidate L2 penalties `alpha` for the MLP, as scikit-learn's MLPClassifier.
    public var mlpAlpha: [Double] = [1, 10]
    /// MLP passes over the training data.
    public var epochs = 150
    /// MLP examples per Adam step.
    public var batchSize = 64
    /// MLP Adam step size.
    public var learningRate = 1e-3
    /// Folds of the inner (model-selection) cross-validation.
    public var innerFolds = 5
    /// Seed of the MLP's initial weights and batch order, and of the stratified fold shuffles.
    public var seed: UInt64 = 0
    /// Standardised features are clipped to ±`clip` (in standard deviations of the training data) before the
    /// network, when training and when scoring; nil leaves them as they are. Default 10. A few functionals
    /// are unbounded: openSMILE's coefficient of variation (`stddevNorm`, the deviation over a mean that can
    /// be near 0, e.g. `mfcc3V_sma3nz_stddevNorm`) reaches hundreds of standard deviations on some files, so
    /// that shifting a recording by 3 samples flipped its emotion; ±10 is beyond any ordinary value, so the
    /// rest of the features are untouched.
    public var clip: Double? = 10

    /// Creates options with the defaults the bundled model uses.
    public init() {}

    /// The hyper-parameter candidates of ``kind``.
    public var candidates: [Double] { kind == .logreg ? logregC : mlpAlpha }
}

/// A fitted classifier: standardisation followed by a network.
public struct TrainedClassifier: Sendable, Hashable {
    /// Global standardisation fitted on the training rows (after any group normalisation).
    public var standardizer: Standardizer
    /// The network.
    public var network: DenseNetwork
    /// The chosen hyper-parameter (`C` or `alpha`).
    public var hyperparameter: Double
    /// Inner cross-validation UAR of every candidate, in ``ClassifierOptions/candidates`` order (empty
    /// when the training data was too small to cross-validate and the middle candidate was taken).
    public var selectionUAR: [Double]
    /// Bound of the standardised features (``ClassifierOptions/clip``), or nil.
    public var clip: Double? = nil

    /// Class probabilities of the rows of `x` (normalised as the training rows were, not yet standardised).
    public func probabilities(_ x: FeatureMatrix) -> FeatureMatrix {
        network.probabilities(Self.networkInput(x, standardizer: standardizer, clip: clip))
    }

    /// The network's input for rows `x`: standardised, then clipped. Training and scoring both go through
    /// here, so that a model sees its training transform.
    static func networkInput(_ x: FeatureMatrix, standardizer: Standardizer, clip: Double?) -> FeatureMatrix {
        var z = x
        standardizer.apply(to: &z)
        if let clip { z.clip(to: clip) }
        return z
    }
}

/// Training with inner-fold model selection.
public enum ClassifierTraining {
    /// Trains a classifier on the rows of `x` (already group-normalised).
    /// - Parameters:
    ///   - labels: class index of each row, in 0..<classes.
    ///   - recordings: the recording (file) each row comes from; a recording's rows stay in one fold.
    ///   - speakers: speaker of each row, when known; inner folds are then formed from whole speakers.
    ///   - jobs: threads for the inner cross-validation.
    /// - Precondition: every value of `x` is finite (``SegmentTable`` refuses files whose features are not).
    public static func train(x: FeatureMatrix, labels: [Int], classes: Int, recordings: [Int], speakers: [String]?,
                             options: ClassifierOptions, jobs: Int = 1) -> TrainedClassifier {
        x.withUnsafeValues { v in
            if let bad = v.firstIndex(where: { !$0.isFinite }) {
                preconditionFailure("training features must be finite: row \(bad / x.columns), column \(bad % x.columns) is \(v[bad])")
            }
        }
        let candidates = options.candidates
        var folds: [Int]? = nil
        if let speakers, Set(speakers).count >= options.innerFolds {
            folds = CrossValidation.groupKFold(groups: speakers, folds: options.innerFolds)
        } else {
            let stratified = CrossValidation.stratifiedKFold(labels: labels, recordings: recordings, classes: classes,
                                                             folds: options.innerFolds, seed: options.seed)
            if stratified.fewestPerClass >= options.innerFolds { folds = stratified.folds }
        }
        var scores: [Double] = []
        var chosen = candidates[candidates.count / 2]
        if let folds, candidates.count > 1 {
            let k = Set(folds).count
            // Every (candidate, fold) fit is independent: run them all in parallel.
            let predictions = parallelMap(count: candidates.count * k, jobs: jobs) { job -> [(Int, Int)] in
                let candidate = candidates[job / k], fold = job % k
                let train = folds.indices.filter { folds[$0] != fold }, test = folds.indices.filter { folds[$0] == fold }
                let model = fit(x: x.selecting(rows: train), labels: train.map { labels[$0] }, classes: classes,
                                hyperparameter: candidate, options: options)
                let p = model.probabilities(x.selecting(rows: test))
                return test.enumerated().map { (labels[$1], argmax(p.row($0))) }
            }
            for c in candidates.indices {
                let pairs = (0..<k).flatMap { predictions[c * k + $0] }
                let report = ClassificationReport(classes: Array(repeating: "", count: classes),
                                                  truth: pairs.map(\.0), predicted: pairs.map(\.1))
                scores.append(report.uar)
            }
            // Each candidate is judged with its neighbours on the grid (the mean of up to three inner UARs): a
            // few recordings decide between neighbouring strengths, so the single best one varies from fold to
            // fold with noise, while the best region of the grid does not.
            let smoothed = scores.indices.map { c in
                let near = scores[max(0, c - 1)...min(scores.count - 1, c + 1)]
                return near.reduce(0, +) / Double(near.count)
            }
            chosen = candidates[smoothed.indices.max { smoothed[$0] < smoothed[$1] || (smoothed[$0] == smoothed[$1] && $0 > $1) }!]
        }
        var model = fit(x: x, labels: labels, classes: classes, hyperparameter: chosen, options: options)
        model.selectionUAR = scores
        return model
    }

    /// Fits one classifier with a fixed hyper-parameter (`C` for logistic regression, `alpha` for the MLP)
    /// and class-balanced sample weights.
    public static func fit(x: FeatureMatrix, labels: [Int], classes: Int, hyperparameter: Double,
                           options: ClassifierOptions) -> TrainedClassifier {
        let standardizer = Standardizer(fitting: x)
        let z = TrainedClassifier.networkInput(x, standardizer: standardizer, clip: options.clip)
        let weights = balancedWeights(labels: labels, classes: classes)
        let network: DenseNetwork
        switch options.kind {
        case .logreg:
            network = LogisticRegressionTrainer(c: hyperparameter)
                .fit(x: z, labels: labels, classes: classes, sampleWeights: weights)
        case .mlp:
            let trainer = MultilayerPerceptronTrainer(hidden: options.hiddenUnits, alpha: hyperparameter,
                                                      epochs: options.epochs, batchSize: options.batchSize,
                                                      learningRate: options.learningRate, seed: options.seed)
            network = trainer.fit(x: z, labels: labels, classes: classes, sampleWeights: weights)
        }
        return TrainedClassifier(standardizer: standardizer, network: network, hyperparameter: hyperparameter,
                                 selectionUAR: [], clip: options.clip)
    }
}

/// Index of the largest value (the first one on ties).
func argmax(_ values: [Double]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}
