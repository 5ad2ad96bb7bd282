import Foundation
import Synchronization
import Testing
@testable import Sentio

/// A worker whose output for input i is a known text, taking a pseudo-random time, failing on chosen inputs.
private final class EchoWorker: BatchWorker {
    let failing: Set<Int>
    let delay: (Int) -> Double
    init(failing: Set<Int> = [], delay: @escaping (Int) -> Double = { _ in 0 }) {
        self.failing = failing
        self.delay = delay
    }

    func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
        usleep(UInt32(delay(item.index) * 1e6))
        try stop.check()
        if failing.contains(item.index) { throw AudioError(path: item.path, kind: .notAudio) }
        for line in 0..<(item.index % 4 + 1) { try output.write("\(item.path),\(line)\n") }
        return BatchFileResult(audioSeconds: Double(item.index))
    }
}

private func paths(_ n: Int) -> [String] { (0..<n).map { "in/\($0).wav" } }

/// The text a single sequential run writes for `inputs` without the failing ones.
private func expected(_ inputs: [String], skipping failing: Set<Int> = []) -> String {
    "header\n" + inputs.enumerated().filter { !failing.contains($0.offset) }
        .map { i, p in (0..<(i % 4 + 1)).map { "\(p),\($0)\n" }.joined() }.joined()
}

private func run(_ inputs: [String], jobs: Int, destination: BatchDestination = .memory, shard: Shard? = nil,
                 resume: Bool = false, failFast: Bool = false, stop: StopFlag = StopFlag(),
                 makeWorker: @escaping @Sendable () -> any BatchWorker) async throws -> (BatchSummary, [String]) {
    let failures = Mutex<[String]>([])
    let request = BatchRequest(command: "test", settings: "s", inputs: inputs, shard: shard, jobs: jobs,
                               failFast: failFast, resume: resume, destination: destination, header: "header\n")
    let summary = try await runBatch(request, stop: stop, onFailure: { m in failures.withLock { $0.append(m) } },
                                     onWarning: { _ in }, makeWorker: makeWorker)
    return (summary, failures.withLock { $0 })
}

@Suite("Batch engine")
struct BatchEngineTests {
    @Test("outputs come in input order and are identical for 1, 2 and 5 jobs, whatever each input's duration")
    func orderIndependentOfJobs() async throws {
        let inputs = paths(40)
        for jobs in [1, 2, 5] {
            let (summary, _) = try await run(inputs, jobs: jobs) {
                EchoWorker(delay: { i in Double((i * 7919) % 13) * 0.0007 })
            }
            #expect(summary.collected == expected(inputs), "jobs \(jobs)")
            #expect(summary.ok == 40 && summary.failed == 0)
            #expect(summary.audioSeconds == Double((0..<40).reduce(0, +)))
        }
    }

    @Test("a failing input is reported once, in input order, and the others are all written")
    func failureIsolation() async throws {
        let inputs = paths(12)
        let (summary, failures) = try await run(inputs, jobs: 3) { EchoWorker(failing: [2, 7]) }
        #expect(summary.collected == expected(inputs, skipping: [2, 7]))
        #expect(failures == ["in/2.wav: not an audio file (format not recognised)", "in/7.wav: not an audio file (format not recognised)"])
        #expect(summary.ok == 10 && summary.failed == 2 && summary.stopReason == nil)
    }

    @Test("--fail-fast starts nothing after the first failure but writes everything before it")
    func failFast() async throws {
        let inputs = paths(30)
        // The inputs after the failing one take 50 ms each, so that the other worker cannot finish all 24 of
        // them while the failing input's thread waits for a core (as it can on a loaded machine).
        let (summary, failures) = try await run(inputs, jobs: 2, failFast: true) {
            EchoWorker(failing: [5], delay: { $0 > 5 ? 0.05 : 0 })
        }
        #expect(summary.stopReason == .failFast)
        #expect(failures.count == 1)
        #expect(summary.collected!.hasPrefix(expected(Array(inputs.prefix(5)))))
        #expect(summary.ok + summary.failed < 30)
    }

    @Test("a slow first input does not hold back the processing of the inputs after it")
    func slowHeadDoesNotSerialise() async throws {
        let inputs = paths(20)
        final class Counter: Sendable { let value = Atomic<Int>(0) }
        final class Gate: BatchWorker {
            let othersDone: Counter
            init(_ counter: Counter) { othersDone = counter }
            func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
                var line = "\(item.index)\n"
                if item.index == 0 {
                    // Finishes only once all 19 others have been processed (or gives up after 60 s).
                    let deadline = monotonicSeconds() + 60
                    while othersDone.value.load(ordering: .relaxed) < 19 && monotonicSeconds() < deadline { usleep(1000) }
                    if othersDone.value.load(ordering: .relaxed) < 19 { line = "timed out\n" }
                } else {
                    othersDone.value.wrappingAdd(1, ordering: .relaxed)
                }
                try output.write(line)
                return BatchFileResult(audioSeconds: 1)
            }
        }
        let counter = Counter()
        let (summary, _) = try await run(inputs, jobs: 2) { Gate(counter) }
        #expect(counter.value.load(ordering: .relaxed) == 19)
        #expect(summary.collected == "header\n" + (0..<20).map { "\($0)\n" }.joined())
    }

    @Test("a batch makes progress while every thread of Swift's cooperative pool is blocked")
    func independentOfCooperativePool() async throws {
        // The first input blocks every thread of the cooperative pool until all 30 inputs are processed (or
        // 20 s pass): a runner that needed one of them to collect results and start the next inputs would be
        // stuck until the blockers give up.
        final class State: Sendable { let processed = Atomic<Int>(0), gaveUp = Atomic<Int>(0) }
        final class Blocking: BatchWorker {
            let state: State
            init(_ state: State) { self.state = state }
            func process(_ item: BatchItem, into output: ResultBuffer, stop: StopFlag) throws -> BatchFileResult {
                if item.index == 0 {
                    for _ in 0..<(ProcessInfo.processInfo.activeProcessorCount + 1) {
                        Task.detached { [state] in
                            let deadline = monotonicSeconds() + 20
                            while state.processed.load(ordering: .relaxed) < 30 && monotonicSeconds() < deadline { usleep(1000) }
                            if state.processed.load(ordering: .relaxed) < 30 { state.gaveUp.wrappingAdd(1, ordering: .relaxed) }
                        }
                    }
                    usleep(50_000)  // let the blockers take the pool's threads
                }
                try output.write("\(item.index)\n")
                state.processed.wrappingAdd(1, ordering: .relaxed)
                return BatchFileResult(audioSeconds: 1)
            }
        }
        let state = State()
        let (summary, _) = try await run(paths(30), jobs: 2) { Blocking(state) }
        #expect(summary.collected == "header\n" + (0..<30).map { "\($0)\n" }.joined())
        #expect(state.gaveUp.load(ordering: .relaxed) == 0)
    }

    @Test("a raised stop flag ends the run early with the signal as reason; resuming completes the same output")
    func stopAndResume() async throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let inputs = paths(30)
        let stop = StopFlag()
        let (first, _) = try await run(inputs, jobs: 2, destination: .file(path: out, errors: out + ".errors.jsonl"), stop: stop) {
            EchoWorker(failing: [3], delay: { i in
                if i == 10 { stop.request(signal: 15) }
                return 0.001
            })
        }
        #expect(first.stopReason == .signal(15))
        #expect(!FileManager.default.fileExists(atPath: out), "an unfinished run leaves no output under the final name")
        #expect(try String(contentsOfFile: out + ".errors.jsonl", encoding: .utf8).contains("in/3.wav"))
        let (second, failures) = try await run(inputs, jobs: 2, destination: .file(path: out, errors: out + ".errors.jsonl"), resume: true) {
            EchoWorker(failing: [3])
        }
        #expect(second.stopReason == nil)
        #expect(second.resumed > 0 && second.resumed < 30)
        #expect(second.failed == 1 && failures.isEmpty, "the failure was recorded by the first run and not redone")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected(inputs, skipping: [3]))
        let journal = try #require(try RunJournal.read(path: out + ".journal"))
        #expect(journal.complete && journal.entries.map(\.index) == Array(0..<30))
    }

    @Test("resuming cuts off bytes past the last journal line and ignores a torn journal line")
    func resumeAfterTornWrite() async throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let inputs = paths(8)
        let stop = StopFlag()
        _ = try await run(inputs, jobs: 1, destination: .file(path: out, errors: out + ".errors"), stop: stop) {
            EchoWorker(delay: { i in
                if i == 4 { stop.request(signal: 2) }
                return 0.0
            })
        }
        // A crash mid-write: half a row in the partial file and half a journal line.
        let partial = try FileHandle(forWritingTo: URL(fileURLWithPath: out + ".partial"))
        partial.seekToEndOfFile()
        partial.write(Data("in/torn.wav,0,12".utf8))
        try partial.close()
        let journal = try FileHandle(forWritingTo: URL(fileURLWithPath: out + ".journal"))
        journal.seekToEndOfFile()
        journal.write(Data("{\"end\":999,\"file\":\"in/4.w".utf8))
        try journal.close()
        let (summary, _) = try await run(inputs, jobs: 2, destination: .file(path: out, errors: out + ".errors"), resume: true) {
            EchoWorker()
        }
        #expect(summary.resumed == 4)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected(inputs))
    }

    @Test("resuming a run with other settings or inputs is refused with a one-line reason")
    func resumeMismatch() async throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        _ = try await run(paths(3), jobs: 1, destination: .file(path: out, errors: out + ".e")) { EchoWorker() }
        await #expect(throws: JournalError.self) {
            _ = try await run(paths(4), jobs: 1, destination: .file(path: out, errors: out + ".e"), resume: true) { EchoWorker() }
        }
        // The same run again with --resume: already complete, nothing redone.
        let (again, _) = try await run(paths(3), jobs: 1, destination: .file(path: out, errors: out + ".e"), resume: true) { EchoWorker() }
        #expect(again.resumed == 3 && again.audioSeconds == 0)
    }

    @Test("shards are disjoint, cover every input, keep input order and balance the bytes within the largest file")
    func shardSelection() {
        let sizes: [Int64] = (0..<101).map { Int64(($0 * 7919) % 1000 + 1) * 1000 }
        for n in [1, 2, 3, 7] {
            let parts = (0..<n).map { Shard(index: $0, count: n).select(sizes: sizes) }
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<101))
            #expect(parts.allSatisfy { $0 == $0.sorted() })
            let loads = parts.map { $0.reduce(0) { $0 + sizes[$1] } }
            #expect(loads.max()! - loads.min()! <= sizes.max()!, "n = \(n): \(loads)")
        }
        #expect(Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        #expect(Shard(parsing: "3/3") == nil && Shard(parsing: "-1/2") == nil && Shard(parsing: "1") == nil && Shard(parsing: "0/0") == nil)
    }

    @Test("shard outputs merge into exactly the single run's output, journal and errors file")
    func shardsMerge() async throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = paths(25)
        func dest(_ name: String) -> BatchDestination {
            let p = dir.appendingPathComponent(name).path
            return .file(path: p, errors: p + ".errors.jsonl")
        }
        _ = try await run(inputs, jobs: 2, destination: dest("whole.csv")) { EchoWorker(failing: [6]) }
        for k in 0..<3 {
            _ = try await run(inputs, jobs: 2, destination: dest("part\(k).csv"), shard: Shard(index: k, count: 3)) { EchoWorker(failing: [6]) }
        }
        let part = { (k: Int) in dir.appendingPathComponent("part\(k).csv").path }
        let merged = dir.appendingPathComponent("merged.csv").path
        let summary = try ShardMerge.merge(parts: [part(2), part(0), part(1)], output: merged, errors: merged + ".errors.jsonl")
        #expect(summary.files == 25 && summary.failed == 1)
        let whole = dir.appendingPathComponent("whole.csv").path
        for suffix in ["", ".journal", ".errors.jsonl"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: merged + suffix)) == Data(contentsOf: URL(fileURLWithPath: whole + suffix)), "\(suffix)")
        }
        #expect(throws: JournalError.self) { try ShardMerge.merge(parts: [part(0), part(1)], output: merged, errors: merged + ".e") }
        #expect(throws: JournalError.self) { try ShardMerge.merge(parts: [part(0), part(0), part(1)], output: merged, errors: merged + ".e") }
        #expect(throws: JournalError.self) { try ShardMerge.merge(parts: [whole, part(1)], output: merged, errors: merged + ".e") }
    }

    @Test("a spilled result buffer gives back exactly the bytes written")
    func resultBufferSpill() throws {
        let buffer = ResultBuffer(spillThreshold: 100)
        var text = ""
        for i in 0..<500 {
            let line = "row \(i) é\n"
            text += line
            try buffer.write(line)
        }
        #expect(buffer.residentCount <= 100 && buffer.count == text.utf8.count)
        #expect(try buffer.text() == text)
    }
}

@Suite("Batch inputs")
struct BatchInputTests {
    @Test("folders are walked recursively in byte order with the audio extensions; duplicates are dropped; - reads stdin")
    func collect() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("b/.hidden"), withIntermediateDirectories: true)
        for name in ["b/z.WAV", "b/a.flac", "a.wav", "notes.txt", "b/.hidden/x.wav", "B.ogg"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        let root = dir.path
        let inputs = BatchInputs(arguments: [root, "\(root)/a.wav", "./x.wav", "-", "x.wav"])
        let paths = try inputs.collect(readStandardInput: { "\n y.wav \nx.wav\n" })
        #expect(paths == ["\(root)/B.ogg", "\(root)/a.wav", "\(root)/b/a.flac", "\(root)/b/z.WAV", "./x.wav", "y.wav"])
        let onlyWav = try BatchInputs(arguments: [root], extensions: ["wav"]).collect()
        #expect(onlyWav == ["\(root)/a.wav", "\(root)/b/z.WAV"])
        // A line is trimmed unless, as it is, it names an existing file (whose name ends in a space).
        try Data().write(to: dir.appendingPathComponent("trail.wav "))
        let spaced = try BatchInputs(arguments: ["-"]).collect(readStandardInput: { "\(root)/trail.wav \n\(root)/a.wav \n" })
        #expect(spaced == ["\(root)/trail.wav ", "\(root)/a.wav"])
        var empty: [String] = []
        try fm.createDirectory(at: dir.appendingPathComponent("none"), withIntermediateDirectories: true)
        _ = try BatchInputs(arguments: ["\(root)/none", "\(root)/a.wav"]).collect(emptyFolder: { empty.append($0) })
        #expect(empty == ["\(root)/none"])
        empty = []
        _ = try BatchInputs(arguments: ["\(root)/a.wav", root, root]).collect(emptyFolder: { empty.append($0) })
        #expect(empty.isEmpty, "a folder whose files were named before is not empty")
        // Other paths to a file already listed (through `..`, a symbolic link) are dropped; a hard link is a
        // name of its own and stays.
        try fm.createSymbolicLink(atPath: "\(root)/none/link.wav", withDestinationPath: "\(root)/a.wav")
        try fm.linkItem(atPath: "\(root)/b/a.flac", toPath: "\(root)/none/hard.flac")
        var same: [String] = []
        let names = try BatchInputs(arguments: ["\(root)/a.wav", "\(root)/b/../a.wav", "\(root)/none", "\(root)/b/a.flac"])
            .collect(sameFile: { same.append("\($0) = \($1)") })
        #expect(names == ["\(root)/a.wav", "\(root)/none/hard.flac", "\(root)/b/a.flac"])
        #expect(same == ["\(root)/b/../a.wav = \(root)/a.wav", "\(root)/none/link.wav = \(root)/a.wav"])
    }

    @Test("a file whose name is not UTF-8 stays in the batch and fails with its own error line, which says to rename it")
    func nonUTF8Names() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let latin1 = dir.path + "/b" + String(decoding: [0xE9], as: UTF8.self) + ".wav"  // the name as Sentio sees it
        let raw = (Array((dir.path + "/b").utf8) + [0xE9] + Array(".wav".utf8) + [0]).map { CChar(bitPattern: $0) }
        let source = try Data(contentsOf: URL(fileURLWithPath: Fixture.audio("speech-en.wav")))
        try source.write(to: dir.appendingPathComponent("a.wav"))
        let fd = open(raw, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0)
        _ = source.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let paths = try BatchInputs(arguments: [dir.path]).collect()
        #expect(paths == ["\(dir.path)/a.wav", latin1])
        #expect(throws: AudioError(path: latin1, kind: .nameNotUTF8)) { _ = try AudioFile.info(path: latin1) }
        #expect(AudioError(path: latin1, kind: .nameNotUTF8).cause.contains("rename"))
        // A list saved with a byte-order mark: the mark is not part of the first path.
        try "\u{FEFF}a.wav\n".write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        #expect(try BatchInputs.readManifest(dir.appendingPathComponent("list.txt").path) == ["\(dir.path)/a.wav"])
    }

    @Test("per-input file names: one per input, -2, -3 for repeated names, long names cut to fit a file name with .partial")
    func perInputNames() {
        let long = String(repeating: "é", count: 150)  // 300 bytes
        let names = perInputFileNames(["a/x.wav", "b/x.flac", "x.WAV", "\(long).wav", "c/\(long).wav"], extension: ".TextGrid")
        #expect(names[0...2] == ["x.TextGrid", "x-2.TextGrid", "x-3.TextGrid"])
        #expect(names[3] == String(repeating: "é", count: 100) + ".TextGrid" && names[4] == String(repeating: "é", count: 100) + "-2.TextGrid")
        #expect(names.allSatisfy { ($0 + ".partial").utf8.count <= 255 })
    }

    @Test("manifests: a list relative to its folder (comments skipped) and a CSV table's file column")
    func manifests() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("five.wav "))
        try "# corpus\none.wav\n\n/abs/two.wav\nfive.wav \n".write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        try "file,emotion\nthree.wav,anger\n\"fo,ur.wav\",joy\n".write(to: dir.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        let paths = try BatchInputs(arguments: [], manifests: [dir.appendingPathComponent("list.txt").path,
                                                               dir.appendingPathComponent("labels.csv").path]).collect()
        #expect(paths == ["\(dir.path)/one.wav", "/abs/two.wav", "\(dir.path)/five.wav ", "\(dir.path)/three.wav", "\(dir.path)/fo,ur.wav"])
        try "name\nx.wav\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        #expect(throws: InputListError.self) { try BatchInputs.readManifest(dir.appendingPathComponent("bad.csv").path) }
        #expect(throws: InputListError.self) { try BatchInputs.readManifest(dir.appendingPathComponent("missing.txt").path) }
    }
}
