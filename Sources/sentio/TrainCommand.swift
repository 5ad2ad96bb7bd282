import ArgumentParser
import Sentio

/// `sentio train --corpus DIR -o MODEL`: trains an emotion model on a labelled corpus.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an emotion model on a labelled corpus and write it as one JSON model file.",
        discussion: """
            The regularisation strength is chosen by a 5-fold cross-validation over whole speakers (over \
            class-stratified recordings when there are fewer than 5 speakers or no speaker ids; the summary \
            line gives the choice), then the model is refitted on everything. \
            Labels are compared exactly (classes that differ only in case are refused) and every class needs \
            at least 5 recordings (--classes leaves out the others). Files that fail to decode get one \
            error line each and are left out; the model is still written, with exit status 1. Training is \
            deterministic: the same labels table (rows in the same order), options and --seed give a \
            byte-identical file; another row order changes the folds and the summation order, so the \
            weights move slightly (on EmoDB by about 1e-6 relative). The bundled model \
            is `sentio train --corpus ../shared/corpora/emodb --normalize none -o \
            Sources/Sentio/Resources/emotion-model.json` \
            (Scripts/train-default-model.sh).
            """
    )

    @OptionGroup var corpus: CorpusArguments
    @OptionGroup var training: TrainingArguments

    @Option(name: .shortAndLong, help: "Model file to write.")
    var output: String

    func run() throws {
        let loaded = try loadReporting { () throws(CorpusError) in try corpus.load() }
        // Neither the labels nor any of the audio may be overwritten by the model.
        let file = try openOutput(output, reading: [corpus.labelsTable] + loaded.items.map(\.path))
        let table = try training.extract(loaded)
        let model: EmotionModel
        do {
            model = try EmotionTraining.train(corpus: loaded, table: table, configuration: training.configuration(),
                                              normalization: training.normalize, classifier: training.classifierOptions,
                                              corpusName: corpus.name, segmentation: training.segments.summary,
                                              jobs: training.workerCount)
            try model.write(to: file)
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)  // no model written: too few files left, or unwritable
        }
        // The chosen strength's own inner UAR (it is chosen with its grid neighbours, so it need not be the
        // grid's highest).
        let scores = model.training.selectionUAR
        let chosen = model.training.candidates.firstIndex(of: model.classifier.hyperparameter)
        let best = chosen.flatMap { scores.indices.contains($0) ? scores[$0] : nil }.map { own in
            let grid = scores.max()!
            return ", inner UAR \(String(format1: own * 100)) %" + (own < grid ? " (grid best \(String(format1: grid * 100)) %)" : "")
        } ?? " (fixed: too few recordings for an inner cross-validation)"
        let out = TextSink.standardOutput()
        try out.write(
            "\(output): \(model.kind.rawValue), \(model.classes.count) classes, \(model.training.files) files, "
            + "normalisation \(model.normalization.rawValue), hyperparameter \(model.classifier.hyperparameter)\(best)\n")
        try out.flush()
        if !table.failures.isEmpty { throw ExitCode(ExitStatus.someInputsFailed) }
    }
}
