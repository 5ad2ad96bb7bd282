/// Options for reading audio as an analysis stream.
public struct AudioReadOptions: Sendable, Hashable {
    /// What to do with NaN or infinite samples (possible only in float-encoded files).
    public enum NonFinitePolicy: Sendable, Hashable {
        /// Stop with ``AudioError/Kind/nonFiniteSample(frame:)``. The default: a NaN usually means a broken
        /// upstream tool, and passing it on would poison every feature of the file.
        case error
        /// Replace each non-finite sample with 0 and go on.
        case replaceWithZero
    }

    /// Output sample rate in Hz, or nil to keep each file's native rate. Default 16 000 Hz.
    public var sampleRate: Double?
    /// Sample frames decoded per read, at the file's native rate. Memory per stream is a small multiple
    /// of `chunkFrames * channels` floats whatever the file length. Default 16 384.
    public var chunkFrames: Int
    /// Resampler quality. Default ``Resampler/Quality/high``.
    public var resampleQuality: Resampler.Quality
    /// Policy for NaN/Inf samples. Default ``NonFinitePolicy/error``.
    public var nonFinite: NonFinitePolicy

    public init(sampleRate: Double? = 16_000, chunkFrames: Int = 16_384,
                resampleQuality: Resampler.Quality = .high, nonFinite: NonFinitePolicy = .error) {
        self.sampleRate = sampleRate
        self.chunkFrames = max(1, chunkFrames)
        self.resampleQuality = resampleQuality
        self.nonFinite = nonFinite
    }
}

/// A file decoded as a stream of mono Float32 chunks at the analysis rate.
///
/// Pipeline per chunk: decode `chunkFrames` interleaved frames -> check for NaN/Inf -> downmix by averaging
/// the channels -> resample (band-limited, continuous across chunks). Memory is bounded by the chunk size,
/// not the file length, so an hour-long file streams in a few hundred kilobytes.
///
/// ```swift
/// let stream = try AudioStream(path: "speech.flac")          // 16 kHz mono
/// try stream.forEachChunk { samples in framer.push(samples) { ... } }
/// ```
public final class AudioStream {
    /// Header information of the underlying file (native rate and channels).
    public let info: AudioInfo
    /// Rate of the delivered samples, in Hz.
    public let sampleRate: Double
    private let options: AudioReadOptions
    private let file: AudioFile
    private let resampler: Resampler?
    private var interleaved: UnsafeMutableBufferPointer<Float>
    private var mono: UnsafeMutableBufferPointer<Float>
    private let outputCapacity: Int
    private var framesDecoded: Int64 = 0
    private var finished = false

    /// Opens `path` for streaming with `options`.
    /// - Throws: ``AudioError`` for any problem with the file.
    public init(path: String, options: AudioReadOptions = AudioReadOptions()) throws {
        let file = try AudioFile(path: path)
        self.file = file
        self.info = file.info
        self.options = options
        let outRate = options.sampleRate ?? file.info.sampleRate
        self.sampleRate = outRate
        if outRate != file.info.sampleRate {
            do {
                self.resampler = try Resampler(inputRate: file.info.sampleRate, outputRate: outRate,
                                               quality: options.resampleQuality)
            } catch {
                throw AudioError(path: path, kind: .corrupt, detail: "\(error)")
            }
        } else {
            self.resampler = nil
        }
        interleaved = .allocate(capacity: options.chunkFrames * file.info.channels)
        mono = .allocate(capacity: options.chunkFrames)
        outputCapacity = Int(Double(options.chunkFrames) * outRate / file.info.sampleRate) + 4096
    }

    deinit {
        interleaved.deallocate()
        mono.deallocate()
    }

    /// Replaces the contents of `chunk` with the next chunk of mono samples at ``sampleRate``, reusing its
    /// storage.
    /// - Returns: false once the stream has ended (then `chunk` is empty). A chunk may be empty while the
    ///   resampler fills its filter.
    /// - Throws: ``AudioError`` (truncation, corruption, non-finite samples) naming the file.
    public func read(into chunk: inout [Float]) throws -> Bool {
        chunk.removeAll(keepingCapacity: true)
        guard !finished else { return false }
        let frames = try file.read(into: interleaved.baseAddress!, frameCount: options.chunkFrames)
        if frames == 0 {
            finished = true
            guard framesDecoded > 0 else { throw AudioError(path: info.path, kind: .empty) }
            guard let resampler else { return false }
            do { try resampler.finish(into: &chunk) } catch {
                throw AudioError(path: info.path, kind: .corrupt, detail: "\(error)")
            }
            return true
        }
        try downmix(frames: frames)
        framesDecoded += Int64(frames)
        let decoded = UnsafeBufferPointer(rebasing: mono[0..<frames])
        if let resampler {
            do { try resampler.process(decoded, into: &chunk) } catch {
                throw AudioError(path: info.path, kind: .corrupt, detail: "\(error)")
            }
        } else {
            chunk.append(contentsOf: decoded)
        }
        return true
    }

    /// Calls `body` with each chunk in order until the end of the file. The buffer is valid only during the call.
    public func forEachChunk(_ body: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        var chunk: [Float] = []
        chunk.reserveCapacity(outputCapacity)
        while try read(into: &chunk) {
            try chunk.withUnsafeBufferPointer { try body($0) }
        }
    }

    /// Total sample frames decoded so far, at the file's native rate.
    public var nativeFramesDecoded: Int64 { framesDecoded }

    /// Reads a whole file into memory: a convenience for short clips and tests, not for corpora.
    public static func readAll(path: String, options: AudioReadOptions = AudioReadOptions()) throws -> [Float] {
        let stream = try AudioStream(path: path, options: options)
        var all: [Float] = []
        try stream.forEachChunk { all.append(contentsOf: $0) }
        return all
    }

    private func downmix(frames: Int) throws {
        let channels = info.channels
        let src = interleaved.baseAddress!
        let count = frames * channels
        for i in 0..<count where !src[i].isFinite {
            switch options.nonFinite {
            case .error:
                throw AudioError(path: info.path, kind: .nonFiniteSample(frame: framesDecoded + Int64(i / channels)))
            case .replaceWithZero:
                src[i] = 0
            }
        }
        let dst = mono.baseAddress!
        if channels == 1 {
            dst.update(from: src, count: frames)
            return
        }
        let scale = 1 / Float(channels)
        for f in 0..<frames {
            var sum: Float = 0
            let row = src + f * channels
            for c in 0..<channels { sum += row[c] }
            dst[f] = sum * scale
        }
    }
}
