// Decode + resample + frame throughput, reported as seconds of audio per CPU second.
import Benchmark
import BenchmarkSupport
import Foundation
import Sentio

/// Fixtures/audio in the repository.
let fixtures = repository.appendingPathComponent("Fixtures/audio")


/// Decodes `file` to 16 kHz mono and frames it Kaldi-style (25 ms / 10 ms); returns the audio duration.
@inline(never)
func decodeAndFrame(_ path: String) throws -> Double {
    let stream = try AudioStream(path: path)
    let framer = Framer(FrameOptions(frameLength: 400, hop: 160, edges: .snip))
    var checksum: Float = 0
    try stream.forEachChunk { chunk in framer.push(chunk) { _, frame in checksum += frame[0] } }
    framer.finish { _, frame in checksum += frame[0] }
    blackHole(checksum)
    return stream.info.duration
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, audioPerCPUSecond],
        maxDuration: .seconds(3), maxIterations: 1000)

    for (name, file) in [("48 kHz stereo WAV", "stereo-48k.wav"), ("16 kHz WAV (no resampling)", "speech-en.wav"),
                         ("22.05 kHz FLAC", "speech-en-22k05.flac"), ("Ogg Vorbis", "speech-en.ogg")] {
        let path = fixtures.appendingPathComponent(file).path
        Benchmark("decode+resample+frame: \(name)") { benchmark in
            let cpu0 = threadCPUSeconds()
            var audioSeconds = 0.0
            for _ in benchmark.scaledIterations { audioSeconds += try decodeAndFrame(path) }
            let cpu = threadCPUSeconds() - cpu0
            benchmark.measurement(audioPerCPUSecond, Int(audioSeconds / max(cpu, 1e-9)))
        }
    }
}
