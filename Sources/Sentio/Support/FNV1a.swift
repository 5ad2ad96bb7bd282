/// The 64-bit Fowler–Noll–Vo 1a hash: small, fast and stable across runs and machines (unlike `Hasher`).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    /// Hashes a string's UTF-8 bytes followed by a 0 byte, so `("ab", "c")` and `("a", "bc")` differ.
    mutating func combine(_ s: String) {
        combine(bytes: s.utf8)
        combine(bytes: [0])
    }

    /// Hashes a double's bit pattern (little-endian).
    mutating func combine(_ d: Double) {
        var bits = d.bitPattern
        combine(bytes: withUnsafeBytes(of: &bits) { Array($0) })
    }

    /// Hashes an integer (little-endian, 64-bit).
    mutating func combine(_ i: Int) {
        var v = Int64(i).littleEndian
        combine(bytes: withUnsafeBytes(of: &v) { Array($0) })
    }

    /// The value as 16 lower-case hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
