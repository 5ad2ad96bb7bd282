// Feature extraction throughput, decoding included, reported as seconds of audio per CPU second.
// Workload: every WAV of ../shared/corpora/emodb when present (the figure the issues quote), else the
// speech clips in Fixtures/audio.
import Benchmark
import BenchmarkSupport
import Foundation
import Sentio


/// EmoDB's WAV files, or the spoken fixtures when the corpus is absent.
let workload: [String] = {
    let emodb = repository.deletingLastPathComponent().appendingPathComponent("shared/corpora/emodb/wav")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: emodb.path), !names.isEmpty {
        return names.filter { $0.hasSuffix(".wav") }.sorted().map { emodb.appendingPathComponent($0).path }
    }
    return ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"]
        .map { repository.appendingPathComponent("Fixtures/audio/\($0)").path }
}()


/// Extracts `options` from every workload file; returns the seconds of audio processed.
@inline(never)
func extractAll(_ extractor: FeatureExtractor) throws -> Double {
    var seconds = 0.0
    var checksum: Float = 0
    for path in workload {
        let summary = try extractor.process(path: path) { row in checksum += row.values[0] }
        seconds += summary.info.duration
    }
    blackHole(checksum)
    return seconds
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, audioPerCPUSecond],
        maxDuration: .seconds(5), maxIterations: 20)

    let cases: [(String, [FeatureSet], FeaturePreset)] = [
        ("mfcc (kaldi)", [.mfcc], .kaldi),
        ("mfcc (librosa)", [.mfcc], .librosa),
        ("mfcc+deltas (kaldi)", [.mfcc, .mfccDelta], .kaldi),
        ("energy (kaldi)", [.energy], .kaldi),
        ("spectral (librosa)", [.spectral], .librosa),
        ("pitch (kaldi grid)", [.pitch], .kaldi),
        ("pitch+voice (kaldi grid)", [.pitch, .voice], .kaldi),
        ("egemaps LLDs (openSMILE grid)", [.egemaps], .kaldi),
        ("all sets (kaldi)", [.mfcc, .mfccDelta, .energy, .spectral, .pitch, .voice], .kaldi),
    ]
    for (name, sets, preset) in cases {
        Benchmark("\(name), decoding included, \(workload.count) files") { benchmark in
            let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: preset))
            let cpu0 = threadCPUSeconds()
            var audio = 0.0
            for _ in benchmark.scaledIterations { audio += try extractAll(extractor) }
            benchmark.measurement(audioPerCPUSecond, Int(audio / max(threadCPUSeconds() - cpu0, 1e-9)))
        }
    }
}
