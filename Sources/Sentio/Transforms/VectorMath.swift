#if canImport(Glibc)
import Glibc
#endif

/// Small dense kernels shared by the transforms. Reductions use eight independent partial sums (one SIMD
/// register) combined in a fixed order, so results are deterministic across runs and threads while the loops
/// vectorise; they differ from a strictly sequential sum only by float rounding.
enum VectorMath {
    /// `sum_i a[i] * b[i]` over `count` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>.zero
        var i = 0
        while i &+ 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc = acc + va * vb
            i &+= 8
        }
        var tail: Float = 0
        while i < count {
            tail += a[i] * b[i]
            i &+= 1
        }
        return acc.sum() + tail
    }

    /// `(dot(a, b, count), dot(b, b, count))` in one pass over `b`, each bit-identical to its own ``dot(_:_:_:)``.
    @inline(__always)
    static func dotAndSquare(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> (Float, Float) {
        var ab = SIMD8<Float>.zero, bb = SIMD8<Float>.zero
        var i = 0
        while i &+ 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            ab = ab + va * vb
            bb = bb + vb * vb
            i &+= 8
        }
        var tailAB: Float = 0, tailBB: Float = 0
        while i < count {
            tailAB += a[i] * b[i]
            tailBB += b[i] * b[i]
            i &+= 1
        }
        return (ab.sum() + tailAB, bb.sum() + tailBB)
    }

    /// `max_i |a[i]|` over `count` elements (0 when empty).
    @inline(__always)
    static func absoluteMaximum(_ a: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>.zero
        var i = 0
        while i &+ 8 <= count {
            // |v| by clearing the sign bits; a masked select rather than the generic pointwiseMax, which the
            // compiler leaves as a call per vector.
            let bits = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<UInt32>.self) & 0x7fff_ffff
            let v = unsafeBitCast(bits, to: SIMD8<Float>.self)
            acc.replace(with: v, where: v .> acc)
            i &+= 8
        }
        var m = acc.max()
        while i < count {
            m = max(m, abs(a[i]))
            i &+= 1
        }
        return m
    }

    /// `sum_i a[i] * scale` over `count` elements.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, _ count: Int, scale: Float) -> Float {
        var acc = SIMD8<Float>.zero
        let s = SIMD8<Float>(repeating: scale)
        var i = 0
        while i &+ 8 <= count {
            acc = acc + UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * s
            i &+= 8
        }
        var tail: Float = 0
        while i < count {
            tail += a[i] * scale
            i &+= 1
        }
        return acc.sum() + tail
    }

    /// `sum_i (a[i] * scale - offset)^2` over `count` elements.
    @inline(__always)
    static func centredEnergy(_ a: UnsafePointer<Float>, _ count: Int, scale: Float, offset: Float) -> Float {
        var acc = SIMD8<Float>.zero
        let s = SIMD8<Float>(repeating: scale), o = SIMD8<Float>(repeating: offset)
        var i = 0
        while i &+ 8 <= count {
            let v = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * s - o
            acc = acc + v * v
            i &+= 8
        }
        var tail: Float = 0
        while i < count {
            let v = a[i] * scale - offset
            tail += v * v
            i &+= 1
        }
        return acc.sum() + tail
    }

    /// Kaldi's raw log energy: `ln(max(sum_i (a[i] * scale - mean)^2, FLT_EPSILON))`, with `mean` the frame
    /// mean when DC removal is on and 0 otherwise.
    @inline(__always)
    static func logEnergy(_ a: UnsafePointer<Float>, _ count: Int, scale: Float, mean: Float) -> Float {
        logf(max(centredEnergy(a, count, scale: scale, offset: mean), Float.ulpOfOne))
    }

    /// The mean of `a[i] * scale` when `removeDC` is set (what Kaldi subtracts), else 0.
    @inline(__always)
    static func dcOffset(_ a: UnsafePointer<Float>, _ count: Int, scale: Float, removeDC: Bool) -> Float {
        removeDC ? sum(a, count, scale: scale) / Float(count) : 0
    }
}
