import ArgumentParser
import Sentio

/// `sentio evaluate --corpus DIR --protocol loso|kfold`: cross-validated accuracy of a classifier.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Cross-validate an emotion classifier on a labelled corpus: UAR, WAR, per-class recall, confusion matrix.",
        discussion: """
            loso (leave-one-speaker-out) trains on all speakers but one and tests on that one, for every \
            speaker; kfold uses --folds stratified folds of whole recordings. With --test-corpus the model is \
            trained on all of --corpus and tested on every file of the other corpus (cross-corpus; --classes \
            restricts both, e.g. to angry,happy,neutral,sad; --normalize corpus or speaker normalises each \
            corpus on its own). Inside each training part the \
            regularisation is chosen by an inner 5-fold cross-validation over speakers (over recordings \
            with fewer than 5 speakers; none, the middle candidate, with fewer than 5 recordings in the \
            rarest class: JSON's hyperparameters show what was used), each candidate judged with its \
            neighbours on the grid, so the held-out speaker is never seen. The test corpus of a \
            cross-corpus run may not share files with --corpus. With \
            --segment/--vad a file's prediction is the class of its mean segment probability. Scores are per \
            file. Files that fail to decode get one error line each and \
            are left out (exit status 1).
            """
    )

    @OptionGroup var corpus: CorpusArguments
    @OptionGroup var testCorpus: TestCorpusArguments
    @OptionGroup var training: TrainingArguments

    @Option(name: .customLong("protocol"), help: "loso (leave one speaker out; the default) or kfold, within --corpus. Not with --test-corpus, where the protocol is cross-corpus.")
    var evaluationProtocol: ProtocolName?

    @Option(help: "Folds of --protocol kfold (default 10; at most one per recording).")
    var folds: Int?

    @Option(help: "Output format: text or json (keys uar, war, classes, per_class_recall, confusion; then files, folds, protocol, normalization, classifier, features, segmentation, clip and hyperparameters, the one chosen per fold).")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("report"), help: "Also write DIR/evaluation.html: the confusion matrix as a heat map and per-class recall bars (folder created if missing).")
    var reportFolder: String?

    func validate() throws {
        if let folds {
            guard evaluationProtocol == .kfold else { throw ValidationError("--folds applies to --protocol kfold") }
            guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        }
        if testCorpus.isGiven && evaluationProtocol != nil {
            throw ValidationError("--protocol applies within one corpus; with --test-corpus the model is trained on all of --corpus and tested on the other")
        }
    }

    func run() throws {
        // Both corpora are read (not yet extracted) first, so that a bad table, an overlap between them or an
        // output that would replace one of their files fails at once.
        let loaded = try loadReporting { () throws(CorpusError) in try corpus.load() }
        var testLabels: LabelledCorpus? = nil
        if testCorpus.isGiven {
            testLabels = try loadReporting { () throws(CorpusError) in try testCorpus.load(classes: corpus.classes) }
            if let shared = testLabels!.sharedFiles(with: loaded) {
                reportError("\(testCorpus.name): shares \(shared.count) file\(shared.count == 1 ? "" : "s") with the training corpus (\(shared[0])): a cross-corpus figure needs recordings the model has not seen")
                throw ExitCode(ExitStatus.notCompleted)
            }
        }
        let reading = [corpus.labelsTable] + (testCorpus.labelsTable.map { [$0] } ?? [])
            + loaded.items.map(\.path) + (testLabels?.items.map(\.path) ?? [])
        let file = try output.map { try openOutput($0, reading: reading) }
        let page = try reportFolder.map { folder in
            do { try prepareOutputFolder(folder) } catch {
                reportError("\(error)")
                throw ExitCode(ExitStatus.notCompleted)
            }
            return try openOutput(joinPath(folder, "evaluation.html"), reading: reading)
        }
        let table = try training.extract(loaded)
        var failures = table.failures.count
        let result: EvaluationResult
        let protocolName: String
        do {
            if let testLabels {
                let testTable = try training.extract(testLabels)
                failures += testTable.failures.count
                protocolName = "cross-corpus (train \(corpus.name), test \(testCorpus.name))"
                result = try EmotionTraining.evaluate(training: loaded, trainingTable: table, test: testLabels, testTable: testTable,
                                                      normalization: training.normalize, classifier: training.classifierOptions,
                                                      jobs: training.workerCount)
            } else {
                let chosen: EvaluationProtocol = evaluationProtocol == .kfold ? .kFold(folds ?? 10) : .leaveOneSpeakerOut
                if evaluationProtocol == .kfold && loaded.hasSpeakers {
                    reportWarning("\(corpus.name): kfold puts each speaker's recordings on both sides of a fold, which flatters the figure; --protocol loso keeps speakers apart")
                }
                result = try EmotionTraining.evaluate(corpus: loaded, table: table, protocol: chosen,
                                                      normalization: training.normalize,
                                                      classifier: training.classifierOptions, jobs: training.workerCount)
                // More folds than recordings leaves one recording per fold: name the folds that ran.
                protocolName = evaluationProtocol == .kfold ? EvaluationProtocol.kFold(result.folds).description : chosen.description
            }
        } catch let error as CorpusError {
            reportError(error.description)
            throw ExitCode(ExitStatus.notCompleted)
        }
        for warning in result.warnings { reportWarning(warning) }
        let summary = EvaluationSummary(result: result, protocolName: protocolName,
                                        normalization: training.normalize, classifier: training.classifier,
                                        features: try training.configuration().name, segmentation: training.segments.summary,
                                        clip: training.classifierOptions.clip)
        let text = format == .json ? summary.json : summary.text
        do {
            if let page {
                try page.sink.write(evaluationPage(result.report, settings: summary.settings))
                try page.commit()
            }
            if let file {
                try file.sink.write(text)
                try file.commit()
            } else {
                let out = TextSink.standardOutput()
                try out.write(text)
                try out.flush()
            }
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
        if failures > 0 { throw ExitCode(ExitStatus.someInputsFailed) }
    }
}

/// Evaluation protocols as the CLI names them.
enum ProtocolName: String, ExpressibleByArgument, CaseIterable {
    case loso, kfold
}

/// Report formats of `sentio evaluate`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// An evaluation result with its settings, formatted for people or programs.
struct EvaluationSummary {
    var result: EvaluationResult
    var protocolName: String
    var normalization: FeatureNormalization
    var classifier: ClassifierKind
    var features: String
    var segmentation: String
    /// The bound of the standardised features (``ClassifierOptions/clip``), or nil.
    var clip: Double?

    private var clipText: String { clip.map { "±\(String(format1: $0)) SD" } ?? "none" }

    var json: String {
        let r = result.report
        func number(_ x: Double) -> String { String((x * 1e6).rounded() / 1e6) }
        let recall = zip(r.classes, r.recallOfPresentClasses).map { "\(jsonQuoted($0)):\($1.map(number) ?? "null")" }.joined(separator: ",")
        let confusion = r.confusion.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",")
        return "{\"uar\":\(number(r.uar)),\"war\":\(number(r.war)),"
            + "\"classes\":[\(r.classes.map(jsonQuoted).joined(separator: ","))],"
            + "\"per_class_recall\":{\(recall)},\"confusion\":[\(confusion)],"
            + "\"files\":\(r.count),\"folds\":\(result.folds),\"protocol\":\(jsonQuoted(protocolName)),"
            + "\"normalization\":\(jsonQuoted(normalization.rawValue)),\"classifier\":\(jsonQuoted(classifier.rawValue)),"
            + "\"features\":\(jsonQuoted(features)),\"segmentation\":\(jsonQuoted(segmentation)),"
            + "\"clip\":\(clip.map { String($0) } ?? "null"),"
            + "\"hyperparameters\":[\(result.chosenHyperparameters.map { String($0) }.joined(separator: ","))]}\n"
    }

    /// `10 folds`, `1 fold`.
    private var foldsText: String { "\(result.folds) fold\(result.folds == 1 ? "" : "s")" }

    /// The run's settings as label/value pairs, for the report page's header.
    var settings: [(label: String, value: String)] {
        [("protocol", "\(protocolName) (\(foldsText))"), ("classifier", classifier.rawValue),
         ("normalisation", normalization.rawValue), ("clip", clipText), ("features", features), ("segments", segmentation),
         ("files", "\(result.report.count)")]
    }

    var text: String {
        let r = result.report
        func percent(_ x: Double) -> String { String(format1: x * 100) + " %" }
        var out = "protocol \(protocolName) (\(foldsText)), classifier \(classifier.rawValue), normalisation \(normalization.rawValue), segments \(segmentation), clip \(clipText)\n"
        out += "features \(features)\n"
        out += "files \(r.count)\n"
        out += "UAR \(percent(r.uar))   WAR \(percent(r.war))\n\n"
        let width = max(9, (r.classes.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        out += pad("recall", width + 8) + "\n"
        for (name, recall) in zip(r.classes, r.recallOfPresentClasses) {
            out += pad(name, width) + pad(recall.map(percent) ?? "n/a", 8) + (recall == nil ? "   (no examples)" : "") + "\n"
        }
        // Columns as wide as the longest name (plus a space), so that no two read the same.
        let column = max(8, (r.classes.map(\.count).max() ?? 0) + 1)
        out += "\nconfusion (rows: true class, columns: predicted)\n" + pad("", width)
        for name in r.classes { out += pad(name, column) }
        out += "\n"
        for (name, row) in zip(r.classes, r.confusion) {
            out += pad(name, width) + row.map { pad(String($0), column) }.joined() + "\n"
        }
        return out
    }
}
