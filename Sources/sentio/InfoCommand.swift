import ArgumentParser
import Sentio

#if canImport(Glibc)
import Glibc
#endif

/// `sentio info FILE...`: one row per file with its format, rate, channels, frames and duration.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe audio files: container, encoding, sample rate, channels, frames, duration.",
        discussion: """
            Each file is decoded to the end (unless --header-only) so that truncated or corrupt data and \
            NaN/Inf samples are found now rather than halfway through a feature run. Bad files get one \
            error line on stderr and the exit status is 1; the good files are still listed.
            """
    )

    @Argument(help: "Audio files to describe.")
    var files: [String]

    @Option(help: "Output format: table (default on a terminal), csv or jsonl (default otherwise: csv).")
    var format: TabularFormat?

    @Flag(help: "Read headers only: faster, but does not detect truncation past the header or NaN samples.")
    var headerOnly = false

    func run() throws {
        let format = self.format ?? (isatty(STDOUT_FILENO) != 0 ? .table : .csv)
        let formatter = TabularFormatter(
            columns: ["path", "container", "encoding", "sample_rate", "channels", "frames", "duration"],
            format: format)
        var tableRows: [[Cell]] = []
        var failures = 0
        let out = TextSink.standardOutput()
        try out.write(formatter.header)
        for path in files {
            do {
                let info = try AudioFile.inspect(path: path, decode: !headerOnly)
                let row: [Cell] = [
                    .text(info.path), .text(info.container), .text(info.encoding),
                    .real(info.sampleRate), .integer(Int64(info.channels)), .integer(info.frames),
                    .real(info.duration),
                ]
                if format == .table { tableRows.append(row) } else { try out.write(formatter.line(row)) }
            } catch let error as AudioError {
                failures += 1
                reportError(error.description)
            }
        }
        if format == .table { try out.write(formatter.table(tableRows)) }
        try out.flush()
        if failures > 0 { throw ExitCode(ExitStatus.someInputsFailed) }
    }
}

extension TabularFormat: ExpressibleByArgument {}
