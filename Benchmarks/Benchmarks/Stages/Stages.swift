// One benchmark per pipeline stage on audio already decoded into memory, so that each stage's cost is its
// own (the AudioInput target times decoding, the Features target whole files with decoding included):
// framing + FFT, mel/MFCC, spectral descriptors, pitch, voice quality, the eGeMAPS descriptors, the
// functionals of stored frame rows, and the classifier on stored feature vectors.
//
// Each case reports audio seconds and frames per CPU second, the frames (or, for the classifier, segments)
// of one run over the workload, and the harness's malloc count for that run: mallocs per run divided by
// frames per run is the allocation rate per frame, which should be ~0 (a few per file, none per frame).
import Benchmark
import BenchmarkSupport
import Foundation
import Sentio

/// Every fifth WAV file of EmoDB when present, else the spoken fixtures: a spread of speakers and emotions
/// small enough to hold decoded (about 300 s of EmoDB, 19 MB of samples).
let paths: [String] = {
    let emodb = repository.deletingLastPathComponent().appendingPathComponent("shared/corpora/emodb/wav")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: emodb.path), !names.isEmpty {
        let wavs = names.filter { $0.hasSuffix(".wav") }.sorted()
        return stride(from: 0, to: wavs.count, by: 5).map { emodb.appendingPathComponent(wavs[$0]).path }
    }
    return ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"]
        .map { repository.appendingPathComponent("Fixtures/audio/\($0)").path }
}()

/// The analysis rate, in Hz.
let sampleRate = 16_000.0

/// The workload decoded to one channel at 16 kHz, full scale ±1.
let clips: [[Float]] = paths.map { path in
    var samples: [Float] = []
    do {
        try AudioStream(path: path, options: AudioReadOptions(sampleRate: sampleRate)).forEachChunk { samples.append(contentsOf: $0) }
    } catch {
        fatalError("cannot decode the benchmark workload: \(error)")
    }
    return samples
}

let audioSeconds = Double(clips.reduce(0) { $0 + $1.count }) / sampleRate

/// Frames per CPU second: the stage's own analysis frames (every 10 ms) over the CPU time, or segments per
/// CPU second for the classifier.
let framesPerCPUSecond = BenchmarkMetric.custom("frames / CPU s", polarity: .prefersLarger, useScalingFactor: false)
/// Frames (segments for the classifier) of one run over the workload, to divide the malloc count by.
let framesPerRun = BenchmarkMetric.custom("frames per run", polarity: .prefersSmaller, useScalingFactor: false)

/// Runs `body` (one pass over the workload, returning the frames it processed) for the harness's iterations
/// and records the throughput metrics. The harness measures from here (wall clock, CPU, mallocs): the
/// stage's setup before the call is left out.
func measure(_ benchmark: Benchmark, _ body: () throws -> Int) rethrows {
    benchmark.startMeasurement()
    let cpu0 = threadCPUSeconds()
    var frames = 0, runs = 0
    for _ in benchmark.scaledIterations {
        frames += try body()
        runs += 1
    }
    let cpu = max(threadCPUSeconds() - cpu0, 1e-9)
    benchmark.measurement(audioPerCPUSecond, Int(Double(runs) * audioSeconds / cpu))
    benchmark.measurement(framesPerCPUSecond, Int(Double(frames) / cpu))
    benchmark.measurement(framesPerRun, frames / max(runs, 1))
}

/// The bundled model's feature sets as frame rows of every clip (rows × `columns.count`, flattened), with
/// the functionals that summarise them: the functionals stage's input, extracted once (in the warm-up run).
let functionalsInput: (columns: [String], rows: [[Float]], specs: [FunctionalSpec], frameStep: Double) = {
    let options = EmotionFeatureConfiguration.standard.extractionOptions
    let extractor = FeatureExtractor(options: options, includeInternal: true)
    let rows = clips.map { clip in
        var rows: [Float] = []
        do {
            try extractor.process(samples: clip, sampleRate: sampleRate) { rows.append(contentsOf: $0.values) }
        } catch {
            fatalError("cannot extract the benchmark workload: \(error)")
        }
        return rows
    }
    let specs = options.sets.flatMap { FunctionalSets.description(of: $0, options: options) }
    return (extractor.columns, rows, specs, Double(options.frame.hop) / options.sampleRate)
}()

/// The bundled model and the feature vectors of every clip: the classifier stage's input, extracted once.
let classifierInput: (model: EmotionModel, table: SegmentTable) = {
    do {
        let model = try EmotionModel.bundled()
        return (model, SegmentTable.extract(paths: paths, configuration: model.features, jobs: 1))
    } catch {
        fatalError("no bundled model: \(error)")
    }
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident,
                  audioPerCPUSecond, framesPerCPUSecond, framesPerRun],
        maxDuration: .seconds(5), maxIterations: 20)
    let workload = "\(clips.count) files, \(Int(audioSeconds.rounded())) s in memory"

    Benchmark("framing + FFT power spectrum (kaldi), \(workload)") { benchmark in
        let options = FeatureExtractionOptions(sets: [.mfcc], preset: .kaldi)
        let framer = Framer(options.frame)
        let spectrum = FrameSpectrum(preprocessing: options.mfcc.preprocessing,
                                     frameLength: options.frame.frameLength, sampleRate: sampleRate)
        measure(benchmark) {
            var frames = 0
            var checksum: Float = 0
            let body = { (index: Int, frame: UnsafeBufferPointer<Float>) in
                spectrum.update(frame, index: index)
                checksum += spectrum.power[1]
                frames += 1
            }
            for clip in clips {
                framer.reset()
                spectrum.reset()
                clip.withUnsafeBufferPointer { framer.push($0, body) }
                framer.finish(body)
            }
            blackHole(checksum)
            return frames
        }
    }

    let frameStages: [(String, [FeatureSet], FeaturePreset)] = [
        ("mel/MFCC (kaldi)", [.mfcc], .kaldi),
        ("spectral descriptors (librosa)", [.spectral], .librosa),
        ("pitch (kaldi grid)", [.pitch], .kaldi),
        ("voice quality with its pitch (kaldi grid)", [.voice], .kaldi),
        ("eGeMAPS descriptors (openSMILE grid)", [.egemaps], .kaldi),
    ]
    for (name, sets, preset) in frameStages {
        Benchmark("\(name), \(workload)") { benchmark in
            let extractor = FeatureExtractor(options: FeatureExtractionOptions(sets: sets, preset: preset))
            try measure(benchmark) {
                var frames = 0
                var checksum: Float = 0
                for clip in clips {
                    try extractor.process(samples: clip, sampleRate: sampleRate) { row in checksum += row.values[0] }
                    frames += extractor.options.frame.frameCount(sampleCount: clip.count)
                }
                blackHole(checksum)
                return frames
            }
        }
    }

    // The bundled model's functionals (eGeMAPS's 88 and the generic ones of MFCC and their deltas) over
    // frame rows extracted beforehand: the engine alone, one whole-file segment per clip.
    Benchmark("functionals of the bundled model's sets on stored frame rows, \(workload)") { benchmark in
        let input = functionalsInput
        let functionals = SegmentFunctionals(specs: input.specs, columns: input.columns)
        let width = input.columns.count
        var out = [Float](repeating: 0, count: input.specs.count)
        measure(benchmark) {
            var frames = 0
            var checksum: Float = 0
            for clip in input.rows {
                functionals.reset()
                clip.withUnsafeBufferPointer { r in
                    for start in stride(from: 0, to: r.count, by: width) { functionals.add(r.baseAddress! + start) }
                }
                frames += clip.count / width
                _ = out.withUnsafeMutableBufferPointer { functionals.finish(frameStep: input.frameStep, into: $0.baseAddress!) }
                checksum += out[0]
            }
            blackHole(checksum)
            return frames
        }
    }

    // The bundled model on feature vectors extracted beforehand: normalisation, standardisation, clipping
    // and the network, per whole-file segment.
    Benchmark("classifier (bundled model) on stored feature vectors, \(workload)",
              configuration: .init(maxIterations: 1000)) { benchmark in
        let (model, table) = classifierInput
        measure(benchmark) {
            blackHole(model.score(tables: [table], groups: [0]))
            return table.matrix.rows
        }
    }
}
