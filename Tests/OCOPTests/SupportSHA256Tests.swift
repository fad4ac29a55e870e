import Testing
@testable import OCOP

@Suite("SHA-256, constant-time compare, secure random")
struct SupportSHA256Tests {
    /// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hex(SHA256.hash(message)) == expected)
        for engine in SHA256.Engine.available {
            #expect(SHA256.hex(SHA256.hash(Array(message.utf8), on: engine)) == expected, "\(engine)")
        }
        // A slice hashes only its own bytes (a token read in place from its header).
        let header = "Bearer " + message + " trailing"
        let slice = header.dropFirst(7).dropLast(9)
        #expect(SHA256.hex(SHA256.hash(slice)) == expected)
    }

    @Test func oneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        for engine in SHA256.Engine.available {
            #expect(SHA256.hex(SHA256.hash(message, on: engine)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                    "\(engine)")
        }
    }

    /// The processor's SHA extensions, where this machine has them, and the Swift compression
    /// give the same digests for every length up to five blocks and random content; the vectors
    /// above pin the one `hash` takes. (On a processor without the extensions only the Swift
    /// one runs, and this test compares it with itself.)
    @Test func enginesAgree() {
        var random = SplitMix64(seed: 0x5EED_5A256)
        for length in 0...320 {
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let digests = SHA256.Engine.available.map { SHA256.hex(SHA256.hash(message, on: $0)) }
            #expect(Set(digests).count == 1, "length \(length): \(digests)")
        }
    }

    @Test func theFastestEngineIsTheOneHashUses() {
        let message = Array("abc".utf8)
        #expect(SHA256.hash(message) == SHA256.hash(message, on: .fastest))
        #expect(SHA256.Engine.available.contains(.portable))
    }

    /// Lengths around the padding boundaries (55/56 bytes need one or two tail
    /// blocks; 64/128 are whole blocks). Expected values from Python's hashlib.
    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        for engine in SHA256.Engine.available {
            #expect(SHA256.hex(SHA256.hash(message, on: engine)) == expected, "\(engine)")
        }
    }

    @Test func hashesStringsAsUTF8() {
        #expect(SHA256.hex(SHA256.hash("Vân Đồn")) == "b5d51baea97880c5cf58aab3bef83e44f0f6da84f89ca5fee2bb4a2d9d212954")
        #expect(SHA256.hash("Vân Đồn").count == 32)
    }

    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect(SHA256.hex([]) == "")
        #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    @Test func constantTimeEqualsComparesWholeArrays() {
        let digest = SHA256.hash("token")
        #expect(constantTimeEquals(digest, SHA256.hash("token")))
        #expect(!constantTimeEquals(digest, SHA256.hash("tokem")))
        var lastByteDiffers = digest
        lastByteDiffers[31] ^= 0x01
        #expect(!constantTimeEquals(digest, lastByteDiffers))
        var firstByteDiffers = digest
        firstByteDiffers[0] ^= 0x80
        #expect(!constantTimeEquals(digest, firstByteDiffers))
        #expect(!constantTimeEquals(digest, Array(digest.prefix(31))))
        #expect(!constantTimeEquals([], [0]))
        #expect(constantTimeEquals([], []))
    }

    @Test func randomBytesHaveTheRequestedLengthAndVary() {
        #expect(SecureRandom.bytes(0).isEmpty)
        // Larger than getentropy's 256-byte cap, so the chunking is exercised.
        let big = SecureRandom.bytes(1000)
        #expect(big.count == 1000)
        #expect(big != SecureRandom.bytes(1000))
        // 1000 random bytes take nearly every value; a zero-filled buffer would not.
        #expect(Set(big).count > 200)
    }

    @Test func tokenIsPrefixPlus43Base64URLCharacters() {
        let token = SecureRandom.token(prefix: "ocop_")
        #expect(token.hasPrefix("ocop_"))
        let body = token.dropFirst(5)
        #expect(body.count == 43)  // 32 bytes = 256 bits, no padding
        #expect(body.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        })
        #expect(SecureRandom.token(prefix: "") != SecureRandom.token(prefix: ""))
    }

    /// RFC 4648 §10 test vectors, in the URL alphabet and without padding.
    @Test func base64URLMatchesRFC4648() {
        let cases: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
            ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (input, expected) in cases {
            #expect(Base64URL.encode(Array(input.utf8)) == expected)
        }
        // 0xfb 0xff exercises the two characters that differ from standard base64 (+/ → -_).
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
    }
}
