import ArgumentParser
import Sentio

/// `sentio merge PARTS... -o OUT`: combines the outputs of `--shard K/N` runs.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the outputs of the shards of one run (--shard K/N) into what a single run writes.",
        discussion: """
            Give every part (the N outputs of --shard 0/N ... N-1/N, in any order); each must have finished \
            and keep its journal (PART.journal, or index.csv.journal in a folder). The merged output has \
            the same rows in the same order as a single run over all inputs, with OUT.journal and \
            OUT.errors.jsonl as that run would have written them. Folders (npy, textgrid, audacity, report) \
            merge into a folder, their files hard-linked when possible; a report folder gets its index.html. \
            A part's own errors file (PART.errors.jsonl, which a pattern such as part-*.jsonl also matches) is \
            not a part and is skipped.

            Exit status: 0, or 1 when inputs had failed in the shards (as the single run would have exited; \
            they are listed in OUT.errors.jsonl), 3 when the parts cannot be merged or the output cannot be \
            written.
            """
    )

    @Argument(help: "The shard outputs (files, or npy, textgrid, audacity or report folders).")
    var parts: [String]

    @Option(name: .shortAndLong, help: "Merged output file (or folder for npy, textgrid, audacity or report parts).")
    var output: String

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the shard outputs to merge") }
        // Compared as resolved paths: `./m0` or `m0/` is the part folder `m0`, which the merge would destroy.
        let target = canonicalPath(output)
        if parts.contains(output) || (target != nil && parts.contains { canonicalPath($0) == target }) {
            throw ValidationError("-o \(output) is one of the parts")
        }
    }

    func run() throws {
        // `part-*.jsonl` also matches the parts' own errors files: those are read through their parts.
        let given = Set(self.parts.map { canonicalPath($0) ?? $0 })
        let parts = self.parts.filter { part in
            !(BatchDestination.output(ofErrorsFile: part).flatMap(canonicalPath).map(given.contains) ?? false)
        }
        for part in parts where canonicalPath(RunJournal.path(for: part)) == nil {
            if let owner = BatchDestination.output(ofErrorsFile: part) {
                reportError("\(part): the errors file of \(owner), not a part: give that part")
                throw ExitCode(ExitStatus.notCompleted)
            }
        }
        let errors = isDirectory(parts[0]) ? BatchDestination.errorsFile(inFolder: output) : BatchDestination.errorsFile(of: output)
        let summary: ShardMerge.Summary
        do {
            summary = try ShardMerge.merge(parts: parts, output: output, errors: errors)
            // A report folder's index page is made from the merged index.csv.
            if ReportIndex.isReportFolder(output) { try ReportIndex.writePage(folder: output) }
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.notCompleted)
        }
        // As the single run would have: exit status 1 when some inputs failed.
        if summary.failed > 0 {
            reportError("\(summary.failed) of \(summary.files) inputs had failed in their shards; they are listed in \(errors)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
    }
}
