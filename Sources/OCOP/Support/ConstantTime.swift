/// Compares secrets in time independent of where they differ.
///
/// An early-exit `==` leaks, through timing, how long a prefix of a guessed
/// token hash matches; here every byte is visited and differences are OR-ed
/// together. Only the lengths may leak, and the callers compare fixed-size
/// digests, so the length says nothing.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count {
        difference |= a[i] ^ b[i]
    }
    return difference == 0
}
