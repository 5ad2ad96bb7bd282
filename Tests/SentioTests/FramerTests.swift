import Foundation
import Testing
@testable import Sentio

/// Framing follows the documented frame-count formulas and is bit-identical across chunkings.
@Suite struct FramerTests {
    static func frames(of signal: [Float], options: FrameOptions, chunk: Int) -> [[Float]] {
        let framer = Framer(options)
        var out: [[Float]] = []
        signal.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + chunk, all.count)
                framer.push(UnsafeBufferPointer(rebasing: all[start..<end])) { index, frame in
                    #expect(index == out.count)
                    out.append(Array(frame))
                }
                start = end
            }
        }
        framer.finish { index, frame in
            #expect(index == out.count)
            out.append(Array(frame))
        }
        #expect(framer.framesEmitted == out.count)
        return out
    }

    /// Frame `k` as the definition states it: samples `[k*H - pad, k*H - pad + L)`, zero outside the signal.
    static func reference(_ signal: [Float], _ options: FrameOptions, _ k: Int) -> [Float] {
        let start = options.frameStart(k)
        return (0..<options.frameLength).map { i in
            let n = start + i
            return n >= 0 && n < signal.count ? signal[n] : 0
        }
    }

    static let signal: [Float] = (0..<5000).map { Float(sin(Double($0) * 0.37) + 0.001 * Double($0)) }

    @Test("Kaldi snip_edges: count = 1 + (N - L) / H, frames are exact slices, any chunking",
          arguments: [1, 2, 159, 160, 161, 399, 400, 1000, 5000])
    func snipEdges(chunk: Int) {
        let options = FrameOptions(frameLength: 400, hop: 160, edges: .snip)
        let frames = Self.frames(of: Self.signal, options: options, chunk: chunk)
        #expect(frames.count == 1 + (5000 - 400) / 160)
        #expect(frames.count == options.frameCount(sampleCount: 5000))
        for k in frames.indices { #expect(frames[k] == Self.reference(Self.signal, options, k)) }
    }

    @Test("librosa centred: count = 1 + N / H for even L, zero padding of L/2, any chunking",
          arguments: [1, 3, 160, 256, 511, 512, 1000, 5000])
    func centered(chunk: Int) {
        let options = FrameOptions(frameLength: 512, hop: 160, edges: .centered)
        let frames = Self.frames(of: Self.signal, options: options, chunk: chunk)
        #expect(frames.count == 1 + 5000 / 160)
        #expect(frames.count == options.frameCount(sampleCount: 5000))
        for k in frames.indices { #expect(frames[k] == Self.reference(Self.signal, options, k)) }
        #expect(frames[0][0..<256].allSatisfy { $0 == 0 })
        #expect(frames[0][256] == Self.signal[0])
    }

    @Test("hop longer than the frame skips samples correctly", arguments: [1, 7, 100, 5000])
    func sparseHop(chunk: Int) {
        let options = FrameOptions(frameLength: 50, hop: 300, edges: .snip)
        let frames = Self.frames(of: Self.signal, options: options, chunk: chunk)
        #expect(frames.count == options.frameCount(sampleCount: 5000))
        for k in frames.indices { #expect(frames[k] == Self.reference(Self.signal, options, k)) }
    }

    @Test("signals shorter than a frame")
    func shortSignals() {
        let snip = FrameOptions(frameLength: 400, hop: 160, edges: .snip)
        #expect(Self.frames(of: Array(Self.signal[0..<399]), options: snip, chunk: 10).isEmpty)
        #expect(Self.frames(of: Array(Self.signal[0..<400]), options: snip, chunk: 10).count == 1)
        let centred = FrameOptions(frameLength: 512, hop: 160, edges: .centered)
        let few = Self.frames(of: Array(Self.signal[0..<100]), options: centred, chunk: 7)
        #expect(few.count == 1 + 100 / 160)
        #expect(few[0] == Self.reference(Array(Self.signal[0..<100]), centred, 0))
        #expect(Self.frames(of: [], options: centred, chunk: 1).isEmpty)
        #expect(centred.frameCount(sampleCount: 0) == 0)
    }

    @Test("frames of a decoded file are identical across decode chunk sizes")
    func framesOfDecodedStream() throws {
        let options = FrameOptions(frameLength: 400, hop: 160, edges: .snip)
        func decodeFrames(chunkFrames: Int) throws -> [[Float]] {
            let stream = try AudioStream(path: Fixture.audio("speech-en.wav"), options: .init(chunkFrames: chunkFrames))
            let framer = Framer(options)
            var out: [[Float]] = []
            try stream.forEachChunk { chunk in framer.push(chunk) { _, frame in out.append(Array(frame)) } }
            framer.finish { _, frame in out.append(Array(frame)) }
            return out
        }
        let whole = try decodeFrames(chunkFrames: 1 << 20)
        #expect(whole.count == options.frameCount(sampleCount: 75076))
        for chunk in [1, 333, 4096] { #expect(try decodeFrames(chunkFrames: chunk) == whole) }
    }
}

/// Edge padding (numpy `mode="edge"`), used by librosa's zero-crossing rate.
@Suite struct EdgePaddingTests {
    @Test("centred frames with edge padding repeat the first and last samples", arguments: [1, 5, 64, 1000])
    func edgePadding(chunk: Int) {
        let signal: [Float] = (0..<1000).map { Float($0) + 1 }
        let options = FrameOptions(frameLength: 64, hop: 10, edges: .centered, padMode: .edge)
        let frames = FramerTests.frames(of: signal, options: options, chunk: chunk)
        #expect(frames.count == 1 + 1000 / 10)
        #expect(frames[0][0..<32].allSatisfy { $0 == 1 })
        #expect(frames[0][32] == 1 && frames[0][33] == 2)
        let last = frames[frames.count - 1]  // starts at sample 1000 - 32: 32 real samples, then 32 copies
        #expect(Array(last[0..<32]) == Array(signal[968..<1000]))
        #expect(last[32..<64].allSatisfy { $0 == 1000 })
    }
}
