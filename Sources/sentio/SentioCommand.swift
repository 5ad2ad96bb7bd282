import ArgumentParser
import Synchronization
import Sentio

#if canImport(Glibc)
import Glibc
#endif

/// The `sentio` command line: a thin shell over the Sentio library.
@main
struct SentioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentio",
        abstract: "Speech-emotion feature extraction: audio in, features and emotion scores out.",
        discussion: """
            Exit status: 0 when every input was processed, 1 when some inputs failed (one error line each \
            on stderr; everything else was written), 2 for a usage error (also an option the chosen \
            model needs, such as --speakers), 3 when the command did not complete: its output could not be \
            written, an existing output's journal belongs to another run (a --resume with other settings or \
            inputs), a model or corpus could not be read or is invalid, a merge was \
            refused, or --fail-fast stopped it with inputs left; 128 + N when a batch was stopped by signal N.
            """,
        version: SentioVersion.string,
        subcommands: [InfoCommand.self, FeaturesCommand.self, ScoreCommand.self, MergeCommand.self, TrainCommand.self,
                      EvaluateCommand.self, ReportCommand.self, BenchCommand.self]
    )

    /// Parses and runs, mapping ArgumentParser's usage failures (its exit code 64) to Sentio's exit code 2.
    static func main() async {
        StandardError.ensureStandardDescriptors()
        var parsed: (any ParsableCommand)?
        do {
            var command = try parseAsRoot()
            parsed = command
            if var batch = command as? AsyncParsableCommand {
                try await batch.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                // A usage error found while running (an option that the chosen model needs, say) is explained
                // with the usage of the command that ran, not the root's.
                let message = parsed.map { subcommandMessage(type(of: $0), error) } ?? fullMessage(for: error)
                try? TextSink.standardError().write(message.hasSuffix("\n") ? message : message + "\n")
                Glibc.exit(ExitStatus.usage)
            }
            // An error no command turned into its exit status (a failed write to standard output, say):
            // the command did not complete.
            if code == .failure && !(error is ExitCode) {
                reportError("\(error)")
                Glibc.exit(ExitStatus.notCompleted)
            }
            exit(withError: error)
        }
    }

    private static func subcommandMessage(_ command: any ParsableCommand.Type, _ error: any Error) -> String {
        let usage = usageString(for: command)  // "sentio score [<options>] ..."
        let name = usage.split(separator: " ").prefix(2).joined(separator: " ")
        return "Error: \(message(for: error))\nUsage: \(usage)\n  See '\(name) --help' for more information."
    }
}

/// Sentio's exit statuses.
enum ExitStatus {
    static let ok: Int32 = 0
    static let someInputsFailed: Int32 = 1
    static let usage: Int32 = 2
    /// The output could not be written or the run was refused: no complete result (a job scheduler must
    /// not take it for success, as it may take 1).
    static let notCompleted: Int32 = 3
}

/// Writes one error line `sentio: <message>` to stderr.
func reportError(_ message: String) {
    try? TextSink.standardError().write("sentio: \(oneLine(message))\n")
}

/// `message` with line breaks and other control characters a file name can hold escaped (`\n`, `\r`,
/// `\0`, `\u{1B}`...), so that each message is one line whatever the names in it.
func oneLine(_ message: String) -> String {
    guard message.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else { return message }
    var out = ""
    for scalar in message.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        case "\t": out.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// Reports a bad input list, manifest or table found while running (one line `sentio: <message>`, as a bad
/// file is reported) and returns the exit of a usage error: ArgumentParser would add the root command's usage.
func inputListError(_ message: String) -> ExitCode {
    reportError(message)
    return ExitCode(ExitStatus.usage)
}

/// Writes `sentio: warning: <message>` to standard error.
func reportWarning(_ message: String) {
    guard !warningsSilenced.load(ordering: .relaxed) else { return }
    try? TextSink.standardError().write("sentio: warning: \(oneLine(message))\n")
}

/// Set by `--progress never`, which promises nothing on standard error but error lines.
let warningsSilenced = Atomic<Bool>(false)
