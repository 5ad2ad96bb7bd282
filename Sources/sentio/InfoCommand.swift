import ArgumentParser
import Sentio

#if canImport(Glibc)
import Glibc
#endif

/// `sentio info FILE...`: one row per file with its format, rate, channels, frames and duration.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe audio files: container, encoding, sample rate, channels, frames, duration.",
        discussion: """
            Each file is decoded to the end (unless --header-only) so that truncated or corrupt data and \
            NaN/Inf samples are found now rather than halfway through a feature run. frames and duration are \
            then what decodes; with --header-only they are the header's (an estimate for MP3), left empty when \
            the header does not give them (an Ogg stream cut short, which decodes to what it holds).

            \(batchDiscussion)
            """
    )

    @OptionGroup var input: InputArguments

    @Option(help: "Output format: table (default on a terminal), csv or jsonl (default otherwise: csv).")
    var format: TabularFormat?

    @Flag(help: "Read headers only: faster, but does not detect truncation past the header or NaN samples.")
    var headerOnly = false

    @Option(name: .shortAndLong, help: "Output file; standard output when absent.")
    var output: String?

    @OptionGroup var batch: BatchArguments

    func validate() throws {
        if format == .table && output != nil { throw ValidationError("--format table is for the terminal: use csv or jsonl with -o") }
        try batch.validate(output: output)
    }

    func run() async throws {
        let paths = try input.collect()
        let format = self.format ?? (isatty(STDOUT_FILENO) != 0 && output == nil ? .table : .csv)
        let columns = ["path", "container", "encoding", "sample_rate", "channels", "frames", "duration"]
        // A table is aligned over all rows, so it is built from CSV rows collected in memory.
        let rowFormat: TabularFormat = format == .table ? .csv : format
        let formatter = TabularFormatter(columns: columns, format: rowFormat)
        var request = BatchRequest(
            command: "info", settings: "format=\(rowFormat) header-only=\(headerOnly) sentio=\(SentioVersion.string)",
            inputs: paths, shard: batch.shard, jobs: batch.workerCount, failFast: batch.failFast, resume: batch.resume,
            destination: format == .table ? .memory : batchDestination(output: output), header: formatter.header)
        request.reads = input.manifest
        let decode = !headerOnly
        // The table of the files that could be read, also when others failed (their error lines came first).
        let printTable = { (summary: BatchSummary) in
            guard format == .table, let text = summary.collected, summary.ok > 0 else { return }
            let table = try CSVTable(parsing: text)
            // Typed again, so that the table right-aligns the numbers.
            let rows = table.rows.map { row in
                [Cell.text(row[0]), .text(row[1]), .text(row[2]), .real(Double(row[3])!), .integer(Int64(row[4])!),
                 Int64(row[5]).map(Cell.integer) ?? .text(""), Double(row[6]).map(Cell.real) ?? .text("")]
            }
            let out = TextSink.standardOutput()
            try out.write(TabularFormatter(columns: columns, format: .table).table(rows))
            try out.flush()
        }
        _ = try await runBatchCommand(request, options: batch, finished: printTable) {
            InfoWorker(formatter: formatter, decode: decode)
        }
    }
}

/// Inspects one file at a time for `sentio info`.
final class InfoWorker: BatchWorker {
    private let formatter: TabularFormatter
    private let decode: Bool

    init(formatter: TabularFormatter, decode: Bool) {
        self.formatter = formatter
        self.decode = decode
    }

    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
        let info = try AudioFile.inspect(path: item.path, decode: decode)
        // A header without the length (an Ogg stream cut short) leaves frames and duration empty.
        try output.write(formatter.line([
            .text(info.path), .text(info.container), .text(info.encoding),
            .real(info.sampleRate), .integer(Int64(info.channels)),
            info.lengthIsKnown ? .integer(info.frames) : .text(""), info.lengthIsKnown ? .real(info.duration) : .text(""),
        ]))
        return BatchFileResult(audioSeconds: info.lengthIsKnown ? info.duration : 0)
    }
}

extension TabularFormat: ExpressibleByArgument {}
