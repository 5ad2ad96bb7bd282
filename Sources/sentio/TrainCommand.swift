import ArgumentParser
import Sentio

/// `sentio train --corpus DIR -o MODEL`: trains an emotion model on a labelled corpus.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an emotion model on a labelled corpus and write it as one JSON model file.",
        discussion: """
            The regularisation strength is chosen by a 5-fold cross-validation over speakers (or recordings \
            when there are no speaker ids), then the model is refitted on everything. Training is \
            deterministic: the same corpus, options and --seed give a byte-identical file. The bundled model \
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
        let file = try openOutput(output, reading: [corpus.labelsTable])
        let (labelled, table) = try training.extract(corpus)
        let model: EmotionModel
        do {
            model = try EmotionTraining.train(corpus: labelled, table: table, configuration: training.configuration(),
                                              normalization: training.normalize, classifier: training.classifierOptions,
                                              corpusName: corpus.name, segmentation: training.segments.summary,
                                              jobs: training.workerCount)
            try model.write(to: file)
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
        let scores = model.training.selectionUAR
        let best = scores.max().map { ", inner UAR \(String(format1: $0 * 100)) %" } ?? ""
        try TextSink.standardOutput().write(
            "\(output): \(model.kind.rawValue), \(model.classes.count) classes, \(model.training.files) files, "
            + "normalisation \(model.normalization.rawValue), hyperparameter \(model.classifier.hyperparameter)\(best)\n")
        if !table.failures.isEmpty { throw ExitCode(ExitStatus.someInputsFailed) }
    }
}
