/// A file decoded as a stream of mono Float32 chunks at the analysis rate.
///
/// Pipeline per chunk: decode `chunkFrames` interleaved frames -> check for NaN/Inf -> downmix by averaging
/// the channels (or take the one ``AudioReadOptions/channel``), metering clipping and cancellation for
/// ``condition`` -> resample (band-limited, continuous across chunks). Memory is bounded by the chunk size,
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
    /// Integer PCM cannot hold NaN or Inf; float and compressed encodings are scanned.
    private let mayHoldNonFinite: Bool
    private var meter: SignalMeter

    /// Opens `path` for streaming with `options`.
    /// - Throws: ``AudioError`` for any problem with the file.
    public init(path: String, options: AudioReadOptions = AudioReadOptions()) throws {
        let file = try AudioFile(path: path)
        if let channel = options.channel, !(0..<file.info.channels).contains(channel) {
            throw AudioError(path: path, kind: .noSuchChannel(channel, channels: file.info.channels))
        }
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
        let integerEncodings: Set<String> = ["pcm_s8", "pcm_u8", "pcm_s16", "pcm_s24", "pcm_s32", "ulaw", "alaw"]
        mayHoldNonFinite = !integerEncodings.contains(file.info.encoding)
        let averaged = options.channel == nil ? file.info.channels : 1
        meter = SignalMeter(channels: averaged, largest: Self.largestValue(of: file.info.encoding))
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
        let frames = try decodeNext()
        if frames == 0 {
            guard let resampler else { return false }
            try resample { try resampler.finish(into: &chunk) }
            return true
        }
        let decoded = UnsafeBufferPointer(rebasing: mono[0..<frames])
        if let resampler {
            try resample { try resampler.process(decoded, into: &chunk) }
        } else {
            chunk.append(contentsOf: decoded)
        }
        return true
    }

    /// Calls `body` with each chunk in order until the end of the file. The buffer is valid only during the
    /// call. Without resampling, chunks point straight into the decode buffer (no copy).
    public func forEachChunk(_ body: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard resampler != nil else {
            while !finished {
                let frames = try decodeNext()
                if frames > 0 { try body(UnsafeBufferPointer(rebasing: mono[0..<frames])) }
            }
            return
        }
        var chunk: [Float] = []
        chunk.reserveCapacity(outputCapacity)
        while try read(into: &chunk) {
            try chunk.withUnsafeBufferPointer { try body($0) }
        }
    }

    /// Decodes the next block into ``mono``; returns its length, 0 (and sets `finished`) at the end.
    private func decodeNext() throws -> Int {
        let channels = info.channels
        // Mono files decode straight into the mono buffer.
        let target = channels == 1 ? mono.baseAddress! : interleaved.baseAddress!
        let frames = try file.read(into: target, frameCount: options.chunkFrames)
        if frames == 0 {
            finished = true
            guard framesDecoded > 0 else { throw AudioError(path: info.path, kind: .empty) }
            return 0
        }
        if channels > 1, let channel = options.channel {
            // Only the analysed channel is checked: a damaged other side does not fail the file.
            extract(channel: channel, frames: frames)
            if mayHoldNonFinite { try checkFinite(mono.baseAddress!, count: frames, channels: 1) }
            meter.count(mono.baseAddress!, frames)
        } else {
            if mayHoldNonFinite { try checkFinite(target, count: frames * channels, channels: channels) }
            if channels > 1 {
                downmix(frames: frames)
                meter.countInterleaved(interleaved.baseAddress!, frames: frames, mix: mono.baseAddress!)
            } else {
                meter.count(target, frames)
            }
        }
        framesDecoded += Int64(frames)
        return frames
    }

    private func resample(_ work: () throws -> Void) throws {
        do { try work() } catch { throw AudioError(path: info.path, kind: .corrupt, detail: "\(error)") }
    }

    /// Total sample frames decoded so far, at the file's native rate.
    public var nativeFramesDecoded: Int64 { framesDecoded }

    /// What the samples decoded so far show about the recording: clipping, a native rate below
    /// ``sampleRate``, channels that cancel in the average.
    public var condition: SignalCondition {
        meter.condition(nativeRate: info.sampleRate, analysisRate: sampleRate)
    }

    /// Reads a whole file into memory: a convenience for short clips and tests, not for corpora.
    public static func readAll(path: String, options: AudioReadOptions = AudioReadOptions()) throws -> [Float] {
        let stream = try AudioStream(path: path, options: options)
        var all: [Float] = []
        try stream.forEachChunk { all.append(contentsOf: $0) }
        return all
    }

    /// Applies the non-finite policy to `count` decoded samples (`channels` interleaved): NaN, infinite and
    /// out-of-range ones.
    private func checkFinite(_ samples: UnsafeMutablePointer<Float>, count: Int, channels: Int) throws {
        // A branch-free scan that vectorises: an exponent field of at least that of 2²⁰ marks a sample of
        // magnitude 2²⁰ or more, NaN or Inf (all ones); the slow path runs only on a hit.
        let limit = AudioLimits.maximumSampleMagnitude
        let exponentOfLimit = limit.bitPattern & 0x7F80_0000
        var hit: UInt32 = 0
        for i in 0..<count { hit |= (samples[i].bitPattern & 0x7F80_0000) >= exponentOfLimit ? 1 : 0 }
        guard hit != 0 else { return }
        for i in 0..<count where !(abs(samples[i]) <= limit) {
            switch options.nonFinite {
            case .error:
                let frame = framesDecoded + Int64(i / channels)
                throw AudioError(path: info.path, kind: samples[i].isFinite
                                 ? .sampleOutOfRange(frame: frame, value: samples[i]) : .nonFiniteSample(frame: frame))
            case .replaceWithZero:
                samples[i] = 0
            }
        }
    }

    /// Copies channel `channel` of the interleaved block into ``mono``.
    private func extract(channel: Int, frames: Int) {
        let channels = info.channels
        let src = interleaved.baseAddress! + channel, dst = mono.baseAddress!
        for f in 0..<frames { dst[f] = src[f * channels] }
    }

    /// Averages the channels of the interleaved block into ``mono``.
    private func downmix(frames: Int) {
        let channels = info.channels
        let src = interleaved.baseAddress!, dst = mono.baseAddress!
        let scale = 1 / Float(channels)
        for f in 0..<frames {
            var sum: Float = 0
            let row = src + f * channels
            for c in 0..<channels { sum += row[c] }
            dst[f] = sum * scale
        }
    }

    /// The largest value `encoding` decodes to (libsndfile's normalised float read): what full scale is for
    /// the clipping count. μ-law and A-law reach 0.980 and 0.984; 8-bit PCM 127/128 on the positive side.
    static func largestValue(of encoding: String) -> Float {
        switch encoding {
        case "pcm_s8", "pcm_u8": 127 / 128
        case "pcm_s16": 32767 / 32768
        case "ulaw": 32124 / 32768
        case "alaw": 32256 / 32768
        default: 1
        }
    }
}
