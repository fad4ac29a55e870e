import CSHA256

/// FIPS 180-4 SHA-256 (tokens are stored as hashes).
///
/// Written out here because the package takes no third-party code and
/// Foundation on Linux has no digest API; bearer tokens are hashed on every
/// authenticated request, so the compression loop works on a fixed-size
/// stack of words and never allocates per block. Where the processor has SHA
/// extensions (x86 SHA-NI), the blocks go through them instead (`CSHA256`).
public enum SHA256 {
    /// What compresses the blocks. Both give the same digests (`SupportSHA256Tests`).
    enum Engine: CaseIterable, Sendable {
        /// The processor's SHA extensions: about 150 instructions a block.
        case hardware
        /// §6.2.2 in Swift: about 3,000 instructions a block.
        case portable

        /// The processor's extensions when it has them, else the Swift compression.
        static let fastest: Engine = csha256_hardware_available() == 1 ? .hardware : .portable

        /// Those this processor can run.
        static var available: [Engine] { fastest == .hardware ? [.hardware, .portable] : [.portable] }
    }

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        hash(bytes, on: .fastest)
    }

    /// The digest of `bytes` as `engine` computes it.
    static func hash(_ bytes: [UInt8], on engine: Engine) -> [UInt8] {
        bytes.withUnsafeBufferPointer { digest(UnsafeRawBufferPointer($0), on: engine) }
    }

    /// The 32-byte digest of the UTF-8 encoding of `s`.
    public static func hash(_ s: String) -> [UInt8] {
        var s = s
        // Native strings are contiguous UTF-8 already; bridged ones are copied once.
        return s.withUTF8 { digest(UnsafeRawBufferPointer($0), on: .fastest) }
    }

    /// The 32-byte digest of the UTF-8 encoding of `s` (a token read in place from a header).
    public static func hash(_ s: Substring) -> [UInt8] {
        var s = s
        return s.withUTF8 { digest(UnsafeRawBufferPointer($0), on: .fastest) }
    }

    /// Lower-case hexadecimal spelling of `bytes` (64 characters for a digest).
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            digits.withUTF8Buffer { table in
                var i = 0
                for byte in bytes {
                    out[i] = table[Int(byte >> 4)]
                    out[i + 1] = table[Int(byte & 0x0F)]
                    i += 2
                }
            }
            return bytes.count * 2
        }
    }

    /// FIPS 180-4 §5.3.3: the initial hash value H(0).
    private static let initial: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    )


    /// Hashes a whole message: full blocks straight from the input, then the
    /// padded tail (§5.1.1) in a 128-byte scratch buffer (one or two blocks).
    private static func digest(_ message: UnsafeRawBufferPointer, on engine: Engine) -> [UInt8] {
        var state = State(initial)
        let fullBlocks = message.count / 64
        state.compress(UnsafeRawBufferPointer(rebasing: message[0..<(fullBlocks * 64)]), on: engine)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
            // §5.1.1: append 0x80, zeros to 56 mod 64, then the bit length big-endian.
            tail.initialize(repeating: 0)
            let rest = message.count - fullBlocks * 64
            for i in 0..<rest { tail[i] = message[fullBlocks * 64 + i] }
            tail[rest] = 0x80
            let tailCount = rest < 56 ? 64 : 128
            let bitLength = UInt64(message.count) &* 8
            for i in 0..<8 { tail[tailCount - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i))) }
            state.compress(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(tail)[0..<tailCount]), on: engine)
        }
        return state.bytes
    }

    /// The eight working words H0…H7 between blocks.
    private struct State {
        var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

        init(_ h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)) {
            (h0, h1, h2, h3, h4, h5, h6, h7) = h
        }

        /// §6.2.2 on consecutive 64-byte blocks.
        mutating func compress(_ blocks: UnsafeRawBufferPointer, on engine: Engine) {
            guard let base = blocks.baseAddress, blocks.count >= 64 else { return }
            switch engine {
            case .hardware:
                var words = (h0, h1, h2, h3, h4, h5, h6, h7)
                // A homogeneous tuple is laid out as a C array of its elements.
                withUnsafeMutablePointer(to: &words) { tuple in
                    tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { state in
                        csha256_blocks(state, base.assumingMemoryBound(to: UInt8.self), blocks.count / 64)
                    }
                }
                (h0, h1, h2, h3, h4, h5, h6, h7) = words
            case .portable:
                // The schedule lives on the stack: no heap traffic besides the result.
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                    for offset in stride(from: 0, to: blocks.count - 63, by: 64) {
                        compress(UnsafeRawBufferPointer(rebasing: blocks[offset..<(offset + 64)]), schedule)
                    }
                }
            }
        }

        /// §6.2.2: one 64-byte block through the message schedule and 64 rounds.
        private mutating func compress(_ block: UnsafeRawBufferPointer, _ w: UnsafeMutableBufferPointer<UInt32>) {
            for t in 0..<16 {
                // Words are big-endian (§3.1); the block may be unaligned.
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            // FIPS 180-4 §4.2.2's round constants K: `CSHA256`'s table, which its rounds read too.
            do {
                let k = csha256_round_constants()
                // Eight rounds per pass with the roles of the words passed along instead of the
                // words moved (§6.2.2 step 3's h = g, g = f, …): a quarter fewer instructions.
                var t = 0
                while t < 64 {
                    round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                    round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                    round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                    round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                    round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
                    round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
                    round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
                    round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
                    t += 8
                }
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
        }

        /// One round of §6.2.2 step 3 on words named by their role this round: `d` becomes
        /// d + T1 (the next round's e) and `h` becomes T1 + T2 (the next round's a).
        @inline(__always)
        private func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                           _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
            let bigSigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choose = g ^ (e & (f ^ g))              // Ch(e, f, g), §4.1.2
            let t1 = h &+ bigSigma1 &+ choose &+ kw
            let bigSigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let majority = (a & b) | (c & (a | b))      // Maj(a, b, c)
            d &+= t1
            h = t1 &+ bigSigma0 &+ majority
        }

        /// The digest: H0…H7 big-endian (§6.2.2 step 4).
        var bytes: [UInt8] {
            [UInt8](unsafeUninitializedCapacity: 32) { out, count in
                let raw = UnsafeMutableRawBufferPointer(out)
                raw.storeBytes(of: h0.bigEndian, toByteOffset: 0, as: UInt32.self)
                raw.storeBytes(of: h1.bigEndian, toByteOffset: 4, as: UInt32.self)
                raw.storeBytes(of: h2.bigEndian, toByteOffset: 8, as: UInt32.self)
                raw.storeBytes(of: h3.bigEndian, toByteOffset: 12, as: UInt32.self)
                raw.storeBytes(of: h4.bigEndian, toByteOffset: 16, as: UInt32.self)
                raw.storeBytes(of: h5.bigEndian, toByteOffset: 20, as: UInt32.self)
                raw.storeBytes(of: h6.bigEndian, toByteOffset: 24, as: UInt32.self)
                raw.storeBytes(of: h7.bigEndian, toByteOffset: 28, as: UInt32.self)
                count = 32
            }
        }
    }

}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 - n))
}
