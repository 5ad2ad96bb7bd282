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
            merge into a folder, their files hard-linked when possible; a report folder gets its index.html.
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
        let errors = isDirectory(parts[0]) ? output + "/errors.jsonl" : output + ".errors.jsonl"
        do {
            let summary = try ShardMerge.merge(parts: parts, output: output, errors: errors)
            // A report folder's index page is made from the merged index.csv.
            if ReportIndex.isReportFolder(output) { try ReportIndex.writePage(folder: output) }
            if summary.failed > 0 {
                reportWarning("\(summary.failed) of \(summary.files) inputs had failed in their shards; they are listed in \(errors)")
            }
        } catch {
            reportError("\(error)")
            throw ExitCode(ExitStatus.someInputsFailed)
        }
    }
}
