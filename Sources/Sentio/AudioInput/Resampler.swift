import CSoxr

/// Band-limited streaming sample-rate conversion of a mono Float32 signal, backed by libsoxr.
///
/// The converter keeps its filter state between calls, so a signal fed in any chunking produces the same
/// output as feeding it whole (to within float rounding; Sentio's tests hold it to 1e-5). Output is aligned
/// to the input: libsoxr removes its own filter delay, so output sample `k` is at time `k / outputRate`.
/// Total output length after ``finish(into:)`` is `round(inputLength * outputRate / inputRate)`.
///
/// Reference: libsoxr, "The SoX Resampler library" (R. Bittmann), a polyphase/DFT band-limited resampler.
public final class Resampler {
    /// libsoxr quality recipe.
    public enum Quality: Sendable {
        /// 16-bit precision (~ -96 dB aliasing), fastest.
        case medium
        /// 20-bit precision (~ -120 dB), libsoxr's `SOXR_HQ`: the default.
        case high
        /// 28-bit precision, libsoxr's `SOXR_VHQ`.
        case veryHigh

        var recipe: UInt {
            switch self {
            case .medium: return UInt(SOXR_MQ)
            case .high: return UInt(SOXR_HQ)
            case .veryHigh: return UInt(SOXR_VHQ)
            }
        }
    }

    /// Input rate in Hz.
    public let inputRate: Double
    /// Output rate in Hz.
    public let outputRate: Double
    private let soxr: soxr_t

    /// Creates a converter from `inputRate` to `outputRate` (Hz), single-threaded (Sentio parallelises across
    /// files, not inside one).
    /// - Throws: ``ResamplerError`` when a rate is not a positive finite number (libsoxr would loop forever
    ///   on NaN) or libsoxr refuses the conversion.
    public init(inputRate: Double, outputRate: Double, quality: Quality = .high) throws {
        guard inputRate.isFinite, inputRate > 0, outputRate.isFinite, outputRate > 0 else {
            throw ResamplerError(message: "sample rates must be positive and finite, not \(inputRate) -> \(outputRate) Hz")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        var error: soxr_error_t? = nil
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var q = soxr_quality_spec(quality.recipe, 0)
        var runtime = soxr_runtime_spec(1)
        guard let soxr = soxr_create(inputRate, outputRate, 1, &error, &io, &q, &runtime), error == nil else {
            throw ResamplerError(message: error.map { String(cString: $0) } ?? "soxr_create failed")
        }
        self.soxr = soxr
    }

    deinit { soxr_delete(soxr) }

    /// Converts `input` and appends all output that is ready to `output`.
    public func process(_ input: UnsafeBufferPointer<Float>, into output: inout [Float]) throws {
        var consumed = 0
        while true {
            let remaining = input.count - consumed
            let room = Int((Double(remaining) * outputRate / inputRate).rounded(.up)) + 256
            var inputDone = 0
            let produced = try run(input.baseAddress.map { $0 + consumed }, count: remaining,
                                   inputDone: &inputDone, room: room, output: &output)
            consumed += inputDone
            if consumed >= input.count && produced < room { return }
        }
    }

    /// Signals the end of the input and appends the converter's remaining output to `output`.
    public func finish(into output: inout [Float]) throws {
        while true {
            var inputDone = 0
            let room = 4096
            let produced = try run(nil, count: 0, inputDone: &inputDone, room: room, output: &output)
            if produced < room { return }
        }
    }

    private func run(_ input: UnsafePointer<Float>?, count: Int, inputDone: inout Int, room: Int,
                     output: inout [Float]) throws -> Int {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: room))
        var idone = 0
        var odone = 0
        let error = output.withUnsafeMutableBufferPointer { out in
            soxr_process(soxr, input, count, &idone, out.baseAddress! + start, room, &odone)
        }
        output.removeLast(room - odone)
        inputDone = idone
        if let error { throw ResamplerError(message: String(cString: error)) }
        return odone
    }
}

/// A failure reported by libsoxr.
public struct ResamplerError: Error, CustomStringConvertible, Sendable {
    /// libsoxr's message.
    public let message: String
    /// One line: `resampler: ` and libsoxr's message.
    public var description: String { "resampler: \(message)" }
}
