/// wyrand: a tiny, fast, non-cryptographic generator. Each worker thread owns one,
/// so choosing a random id or path costs a multiply, not a `getrandom` syscall
/// (which is what `SystemRandomNumberGenerator` does on Linux).
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    /// Seeds from the system generator, so parallel workers draw different streams.
    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// A reproducible stream, for checking the generator by eye.
    init(seed: UInt64) { state = seed }

    /// Next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0xA076_1D64_78BD_642F
        let product = state.multipliedFullWidth(by: state ^ 0xE703_7ED1_A0B4_28DB)
        return product.high ^ product.low
    }

    /// A uniform integer in 1...upper (the modulo bias is < 2^-40 for any sane upper).
    @inline(__always)
    mutating func oneThrough(_ upper: Int) -> Int {
        Int(next() % UInt64(upper)) + 1
    }
}
