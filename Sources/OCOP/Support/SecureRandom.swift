#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the OS (getrandom(2), falling back to /dev/urandom); traps only if the OS can give none.
///
/// Tokens and ids an attacker must not guess come from here, never from
/// `SystemRandomNumberGenerator` alone, so the source is explicit and audited.
public enum SecureRandom {
    /// `count` bytes from the kernel's CSPRNG.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            if !fillFromGetentropy(raw) && !fillFromURandom(raw) {
                // Without an entropy source no token we issue could be trusted;
                // stopping is safer than issuing guessable credentials.
                fatalError("SecureRandom: the OS provides no randomness (getentropy and /dev/urandom both failed)")
            }
            initialized = count
        }
    }

    /// Random bytes in a `token`: 256 bits.
    public static let tokenBytes = 32

    /// `prefix` followed by `tokenBytes` random bytes in base64url without padding (43 characters).
    public static func token(prefix: String) -> String {
        prefix + Base64URL.encode(bytes(tokenBytes))
    }

    /// glibc's getentropy(3) is a thin wrapper over the getrandom(2) syscall
    /// (which the Glibc module does not export): it blocks only until the pool
    /// is first seeded, never reads a file descriptor, and is capped at 256
    /// bytes per call, so larger requests are filled in chunks.
    private static func fillFromGetentropy(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let chunk = min(256, buffer.count - offset)
            guard let base = buffer.baseAddress, getentropy(base + offset, chunk) == 0 else {
                return false
            }
            offset += chunk
        }
        return true
    }

    /// Kernels older than 3.17 lack getrandom(2) (ENOSYS); /dev/urandom is the
    /// classic equivalent. Short reads and EINTR are retried.
    private static func fillFromURandom(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < buffer.count {
            guard let base = buffer.baseAddress else { return false }
            let n = read(fd, base + offset, buffer.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }
}
