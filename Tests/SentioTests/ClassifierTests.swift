import Foundation
import Testing
@testable import Sentio

/// Points of `classes` Gaussian clusters in `dimensions` dimensions (deterministic).
private func clusters(_ centres: [[Double]], perClass: Int, spread: Double, seed: UInt64) -> (FeatureMatrix, [Int]) {
    var random = SeededRandom(seed: seed)
    var rows: [[Double]] = [], labels: [Int] = []
    for (c, centre) in centres.enumerated() {
        for _ in 0..<perClass {
            // Box–Muller normal deviates.
            rows.append(centre.map { m in
                let u = max(random.uniform(), 1e-12), v = random.uniform()
                return m + spread * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
            })
            labels.append(c)
        }
    }
    return (FeatureMatrix(rows), labels)
}

private func accuracy(_ model: TrainedClassifier, _ x: FeatureMatrix, _ labels: [Int]) -> Double {
    let p = model.probabilities(x)
    return Double((0..<x.rows).filter { argmax(p.row($0)) == labels[$0] }.count) / Double(x.rows)
}

@Suite struct ClassifierTests {
    @Test("logistic regression reaches the penalised optimum: its gradient, computed independently, vanishes")
    func logisticOptimality() {
        let (x, labels) = clusters([[0, 0, 1], [1.5, 0, 0], [0, 1.5, -1]], perClass: 40, spread: 0.8, seed: 1)
        let c = 0.5
        let model = ClassifierTraining.fit(x: x, labels: labels, classes: 3, hyperparameter: c, options: ClassifierOptions())
        var z = x
        model.standardizer.apply(to: &z)
        let p = model.network.probabilities(z)
        let layer = model.network.layers[0]
        let weights = balancedWeights(labels: labels, classes: 3), total = weights.reduce(0, +)
        var largest = 0.0
        for k in 0..<3 {
            var gb = 0.0
            var gw = (0..<3).map { layer.weights[k * 3 + $0] / (c * total) }
            for r in 0..<x.rows {
                let residual = weights[r] / total * (p[r, k] - (labels[r] == k ? 1 : 0))
                gb += residual
                for i in 0..<3 { gw[i] += residual * z[r, i] }
            }
            largest = max(largest, abs(gb), gw.map(abs).max()!)
        }
        #expect(largest < 2e-4, "largest gradient component \(largest)")
        #expect(accuracy(model, x, labels) > 0.8)
        for r in 0..<x.rows { #expect(abs(p.row(r).reduce(0, +) - 1) < 1e-12) }
    }

    @Test("clipping bounds finite values and leaves NaN visible instead of turning it into a bound")
    func clipKeepsNaN() {
        var m = FeatureMatrix([[-30, 3, 12], [.nan, .infinity, -.infinity]])
        m.clip(to: 10)
        #expect(m.row(0) == [-10, 3, 10])
        #expect(m.row(1)[0].isNaN && m.row(1)[1] == 10 && m.row(1)[2] == -10)
    }

    @Test("a separable problem is learnt perfectly by both classifiers")
    func separable() {
        let (x, labels) = clusters([[0, 0, 0], [4, 0, 0], [0, 4, 0], [0, 0, 4]], perClass: 25, spread: 0.3, seed: 9)
        var mlp = ClassifierOptions()
        mlp.kind = .mlp
        mlp.hiddenUnits = [16]
        mlp.learningRate = 0.01
        for (options, hyperparameter) in [(ClassifierOptions(), 10.0), (mlp, 1e-4)] {
            let model = ClassifierTraining.fit(x: x, labels: labels, classes: 4, hyperparameter: hyperparameter, options: options)
            #expect(accuracy(model, x, labels) == 1, "\(options.kind)")
        }
    }

    @Test("stronger regularisation (smaller C) gives smaller weights")
    func regularisationShrinks() {
        let (x, labels) = clusters([[0, 0], [1, 1]], perClass: 30, spread: 0.7, seed: 2)
        func norm(_ c: Double) -> Double {
            ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: c, options: ClassifierOptions())
                .network.layers[0].weights.map { $0 * $0 }.reduce(0, +)
        }
        #expect(norm(0.01) < norm(0.1))
        #expect(norm(0.1) < norm(10))
    }

    @Test("the MLP learns XOR, which no linear model can; a seed reproduces it bit for bit")
    func mlpLearnsXOR() {
        let (x, raw) = clusters([[0, 0], [1, 1], [0, 1], [1, 0]], perClass: 40, spread: 0.12, seed: 3)
        let labels = raw.map { $0 < 2 ? 0 : 1 }
        var options = ClassifierOptions()
        options.kind = .mlp
        options.hiddenUnits = [16]
        options.epochs = 300
        options.batchSize = 16
        options.learningRate = 0.01
        let mlp = ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: 1e-4, options: options)
        let linear = ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: 1, options: ClassifierOptions())
        #expect(accuracy(mlp, x, labels) > 0.95)
        #expect(accuracy(linear, x, labels) < 0.8)
        let again = ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: 1e-4, options: options)
        #expect(again.network == mlp.network)
        options.seed = 7
        let other = ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: 1e-4, options: options)
        #expect(other.network != mlp.network)
    }

    @Test("class-balanced weights: a minority class is still recognised")
    func balancedMinority() {
        var (x, labels) = clusters([[0, 0], [1.2, 1.2]], perClass: 100, spread: 0.6, seed: 4)
        let keep = labels.indices.filter { labels[$0] == 0 || $0 % 10 == 0 }
        x = x.selecting(rows: keep)
        labels = keep.map { labels[$0] }
        let model = ClassifierTraining.fit(x: x, labels: labels, classes: 2, hyperparameter: 1, options: ClassifierOptions())
        let p = model.probabilities(x)
        let minority = labels.indices.filter { labels[$0] == 1 }
        let recall = Double(minority.filter { argmax(p.row($0)) == 1 }.count) / Double(minority.count)
        #expect(recall > 0.7, "minority recall \(recall)")
    }

    @Test("per-group normalisation: every group's columns have mean 0 and deviation 1; constant ones are centred")
    func groupNormalisation() {
        var m = FeatureMatrix([[1, 5, 3], [3, 5, 4], [5, 5, 8], [100, 2, 0], [300, 2, 1]])
        normalizeByGroup(&m, groups: ["a", "a", "a", "b", "b"])
        for rows in [[0, 1, 2], [3, 4]] {
            for c in [0, 2] {
                let values = rows.map { m[$0, c] }
                let mean = values.reduce(0, +) / Double(values.count)
                let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
                #expect(abs(mean) < 1e-12 && abs(sd - 1) < 1e-12)
            }
            #expect(rows.allSatisfy { m[$0, 1] == 0 })
        }
    }

    @Test("folds: leave-one-group-out isolates each group; stratified folds keep the class mix")
    func folds() {
        let groups = ["s2", "s1", "s2", "s3", "s1"]
        let loso = CrossValidation.leaveOneGroupOut(groups: groups)
        #expect(loso == [1, 0, 1, 2, 0])
        let labels = Array(repeating: 0, count: 30) + Array(repeating: 1, count: 15)
        let folds = CrossValidation.stratifiedKFold(labels: labels, folds: 3, seed: 1)
        for f in 0..<3 {
            #expect(labels.indices.filter { folds[$0] == f && labels[$0] == 0 }.count == 10)
            #expect(labels.indices.filter { folds[$0] == f && labels[$0] == 1 }.count == 5)
        }
        #expect(CrossValidation.stratifiedKFold(labels: labels, folds: 3, seed: 2) != folds)
        // Renaming the classes (their indices follow the sorted names) leaves the folds as they are.
        let mixed = (0..<40).map { ($0 * 7) % 3 }
        #expect(CrossValidation.stratifiedKFold(labels: mixed.map { [2, 0, 1][$0] }, folds: 4, seed: 3)
                == CrossValidation.stratifiedKFold(labels: mixed, folds: 4, seed: 3))
    }

    @Test("UAR is the mean of per-class recalls, WAR the accuracy")
    func metrics() {
        // Class a: 8 of 10 right; class b: 1 of 2 right.
        let truth = Array(repeating: 0, count: 10) + [1, 1]
        let predicted = Array(repeating: 0, count: 8) + [1, 1] + [1, 0]
        let report = ClassificationReport(classes: ["a", "b"], truth: truth, predicted: predicted)
        #expect(report.confusion == [[8, 2], [1, 1]])
        #expect(report.perClassRecall == [0.8, 0.5])
        #expect(abs(report.uar - 0.65) < 1e-12)
        #expect(abs(report.war - 9.0 / 12.0) < 1e-12)
    }

    @Test("CSV tables: quotes, commas and line breaks in fields, CRLF, BOM; a short row names its line")
    func csv() throws {
        let table = try CSVTable(parsing: "\u{FEFF}file,emotion,text\r\na.wav,happy,\"Hi, \"\"you\"\"\nthere\"\r\n\r\nb.wav,sad,x\n")
        #expect(table.header == ["file", "emotion", "text"])
        #expect(table.rows == [["a.wav", "happy", "Hi, \"you\"\nthere"], ["b.wav", "sad", "x"]])
        #expect(table.lineNumbers == [2, 5])
        #expect(throws: CSVError(line: 3, message: "2 fields where the header has 3")) {
            try CSVTable(parsing: "a,b,c\n1,2,3\n4,5\n")
        }
        #expect(throws: CSVError(line: 2, message: "unterminated quoted field")) { try CSVTable(parsing: "a\n\"open\n") }
    }

    @Test("feature fingerprints are stable, differ between configurations and hold no memory addresses")
    func fingerprint() {
        let a = EmotionFeatureConfiguration.standard
        #expect(a.fingerprint == EmotionFeatureConfiguration.standard.fingerprint)
        #expect(a.fingerprint.count == 16)
        #expect(a.fingerprint != EmotionFeatureConfiguration(sets: [.egemaps]).fingerprint)
        #expect(a.fingerprint != EmotionFeatureConfiguration(sets: a.sets, preset: .librosa).fingerprint)
        #expect(!"\(a.extractionOptions)".contains("0x"))
        #expect(a.columns.count == 88 + 39 * 7)  // eGeMAPS + 7 functionals of 13 MFCCs, deltas, delta-deltas
    }
}

@Suite("Cross-corpus evaluation")
struct CrossCorpusTests {
    private static let width = EmotionFeatureConfiguration(sets: [.energy]).columns.count

    /// A corpus of `perClass` one-segment files per class whose features come from two clusters, all shifted
    /// by `offset` and scaled by `gain` (a corpus recorded with another microphone and level).
    private func corpus(_ name: String, perClass: Int, offset: Double, gain: Double, seed: UInt64) throws -> (LabelledCorpus, SegmentTable) {
        let (x, labels) = clusters([[1, 0, 0, 0], [-1, 0, 0, 0]], perClass: perClass, spread: 0.5, seed: seed)
        let items = (0..<x.rows).map { r in
            LabelledCorpus.Item(path: "\(name)/\(r).wav", label: labels[r] == 0 ? "angry" : "sad", speaker: "s\(r % 4)")
        }
        // As wide as the energy set's functionals, which a model trained on these tables declares: the
        // columns after the first four are constant.
        var table = SegmentTable(columns: Self.width, paths: items.map(\.path))
        for r in 0..<x.rows {
            let values = x.row(r).map { $0 * gain + offset } + Array(repeating: 0, count: Self.width - 4)
            table.append(.oneSegment(values), index: r)
        }
        return (try LabelledCorpus(items: items), table)
    }

    @Test("corpus normalisation removes a test corpus's offset and gain, which defeat global standardisation")
    func corpusNormalisation() throws {
        let (train, trainTable) = try corpus("a", perClass: 40, offset: 0, gain: 1, seed: 1)
        let (test, testTable) = try corpus("b", perClass: 30, offset: 5, gain: 2, seed: 2)
        func uar(_ normalization: FeatureNormalization) throws -> Double {
            try EmotionTraining.evaluate(training: train, trainingTable: trainTable, test: test, testTable: testTable,
                                         normalization: normalization, classifier: ClassifierOptions(), jobs: 1).report.uar
        }
        let plain = try uar(.none)
        #expect(plain < 0.6, "\(plain)")
        #expect(try uar(.corpus) > 0.95)
        #expect(try uar(.speaker) > 0.95)
        let result = try EmotionTraining.evaluate(training: train, trainingTable: trainTable, test: test, testTable: testTable,
                                                  normalization: .corpus, classifier: ClassifierOptions(), jobs: 1)
        #expect(result.report.count == 60 && result.folds == 1 && result.report.classes == ["angry", "sad"])
    }

    @Test("a table extracted from other files, or in another order, or with other columns, is refused")
    func mismatchedTable() throws {
        let (original, table) = try corpus("a", perClass: 10, offset: 0, gain: 1, seed: 1)
        let reversed = try LabelledCorpus(items: original.items.reversed(), source: "reversed")
        let configuration = EmotionFeatureConfiguration(sets: [.energy])
        func train(_ corpus: LabelledCorpus, configuration: EmotionFeatureConfiguration = configuration) throws {
            _ = try EmotionTraining.train(corpus: corpus, table: table, configuration: configuration, normalization: .none,
                                          classifier: ClassifierOptions(), corpusName: "a", segmentation: "files", jobs: 1)
        }
        try train(original)
        let error = #expect(throws: CorpusError.self) { try train(reversed) }
        #expect(error?.message.contains("row 1: a/0.wav against a/19.wav") == true, "\(String(describing: error))")
        #expect(throws: CorpusError.self) { try train(original, configuration: EmotionFeatureConfiguration(sets: [.pitch])) }
        #expect(throws: CorpusError.self) {
            try EmotionTraining.evaluate(corpus: reversed, table: table, protocol: .kFold(2), normalization: .none,
                                         classifier: ClassifierOptions(), jobs: 1)
        }
    }

    @Test("a test corpus with a class the training corpus lacks is refused")
    func unknownTestClass() throws {
        let (train, trainTable) = try corpus("a", perClass: 10, offset: 0, gain: 1, seed: 1)
        var items = train.items
        for i in items.indices where i % 2 == 0 { items[i].label = "happy" }
        #expect(throws: CorpusError.self) {
            try EmotionTraining.evaluate(training: train, trainingTable: trainTable, test: try LabelledCorpus(items: items),
                                         testTable: trainTable, normalization: .none, classifier: ClassifierOptions(), jobs: 1)
        }
    }

    @Test("a corpus-normalised model scores a batch with the batch's own statistics")
    func corpusModelScoresBatches() throws {
        let (train, trainTable) = try corpus("a", perClass: 40, offset: 0, gain: 1, seed: 3)
        let model = try EmotionTraining.train(corpus: train, table: trainTable, configuration: EmotionFeatureConfiguration(sets: [.energy]),
                                              normalization: .corpus, classifier: ClassifierOptions(), corpusName: "a",
                                              segmentation: "files", jobs: 1)
        let (test, testTable) = try corpus("b", perClass: 60, offset: 5, gain: 2, seed: 4)
        // Each file as a table of one segment, all scored together.
        let tables = (0..<testTable.matrix.rows).map { r -> SegmentTable in
            var t = SegmentTable(columns: Self.width, paths: [test.items[r].path])
            t.append(.oneSegment(testTable.matrix.row(r)), index: 0)
            return t
        }
        let scores = model.score(tables: tables, groups: Array(repeating: 0, count: tables.count))
        let correct = zip(scores, test.items).filter { $0.0[0].emotion == $0.1.label }.count
        #expect(Double(correct) / Double(tables.count) > 0.9)
        // One file alone is normalised (almost) with the training corpus's statistics, as `none` would be.
        let single = model.score(tables: [tables[0]], groups: [0])[0][0].probabilities!
        var alone = FeatureMatrix(rows: 0, columns: Self.width)
        alone.append(row: tables[0].matrix.row(0))
        normalizeTowards(&alone, prior: model.corpusStatistics!, priorRows: EmotionModel.corpusPriorRows)
        #expect(single == model.probabilities(alone).row(0))
    }

    @Test("normalising towards a prior blends the moments: no prior weight is plain z-scoring, a heavy prior is the prior's")
    func normaliseTowardsPrior() {
        let rows: [[Double]] = [[1, 10], [3, 10], [5, 10], [7, 10]]
        var plain = FeatureMatrix(rows), blended = FeatureMatrix(rows), grouped = FeatureMatrix(rows)
        let prior = Standardizer(mean: [0, 0], scale: [2, 4])
        normalizeTowards(&plain, prior: prior, priorRows: 0)
        normalizeByGroup(&grouped, groups: [0, 0, 0, 0])
        #expect(zip(plain.row(0), grouped.row(0)).allSatisfy { abs($0 - $1) < 1e-12 })
        // Four rows against a prior of four: m = (4 + 0) / 2 = 2, v = ½ (5 + 4) + ½ (4 + 4) = 8.5 for column 0;
        // column 1 (constant 10): m = 5, v = ½ (0 + 25) + ½ (16 + 25) = 33.
        normalizeTowards(&blended, prior: prior, priorRows: 4)
        #expect(abs(blended.row(0)[0] - (1 - 2) / 8.5.squareRoot()) < 1e-12)
        #expect(abs(blended.row(0)[1] - (10 - 5) / 33.0.squareRoot()) < 1e-12)
        var one = FeatureMatrix([[3, 4]])
        normalizeTowards(&one, prior: prior, priorRows: 1e9)
        #expect(abs(one.row(0)[0] - 1.5) < 1e-6 && abs(one.row(0)[1] - 1) < 1e-6)
    }
}

extension SegmentTable.ExtractedFile {
    /// A file of 1 s holding one fully voiced segment with `values`.
    static func oneSegment(_ values: [Double]) -> Self {
        var file = Self(columns: values.count, seconds: 1)
        file.add(values, start: 0, end: 1, voiced: 1)
        return file
    }
}
