/// The growable byte buffer `JSONWriter` writes into: an append is a capacity check and a copy.
///
/// Why not `[UInt8]`: every `append` and `append(contentsOf:)` on an array goes through its
/// uniqueness check, its growth policy and, for a run of bytes, the generic sequence copy. A
/// page of 50 producers makes some 2,000 such calls. Here the writer checks uniqueness once per
/// value it writes (`JSONWriter.output`), and each append is a capacity check and a `memcpy`:
/// an uncached page went from 1,174,184 to 1,089,067 instructions (`bash .ci/count-instructions
/// list`), a producer by id from 85,855 to 84,593.
///
/// `@unchecked Sendable`: the memory is reached only through the one `JSONWriter` that owns the
/// buffer; a copied writer gets its own buffer before it writes (`JSONWriter.output`).
final class OutputBytes: @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// A buffer of its own with the same bytes (a writer that was copied, about to write).
    func copy() -> OutputBytes {
        let copy = OutputBytes(capacity: capacity)
        copy.base.update(from: base, count: count)
        copy.count = count
        return copy
    }

    /// The bytes written so far, as an array of their own.
    var array: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if capacity - count < bytes.count { grow(toAtLeast: count + bytes.count) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(bytes))
    }

    /// `"name":`, after a comma when `comma`: a member name written in the source, which needs
    /// no escaping, in one capacity check and one copy.
    @inline(__always)
    func appendMemberName(_ name: UnsafePointer<UInt8>, count length: Int, comma: Bool) {
        let needed = length + 4
        if capacity - count < needed { grow(toAtLeast: count + needed) }
        var p = base + count
        if comma {
            p.pointee = UInt8(ascii: ",")
            p += 1
        }
        p[0] = UInt8(ascii: "\"")
        (p + 1).update(from: name, count: length)
        p[length + 1] = UInt8(ascii: "\"")
        p[length + 2] = UInt8(ascii: ":")
        count = p + length + 3 - base
    }

    /// Room for `extra` more bytes, written by `body` straight into the buffer; `body` returns
    /// how many it wrote (at most `extra`).
    @inline(__always)
    func write(upTo extra: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if capacity - count < extra { grow(toAtLeast: count + extra) }
        let written = body(base + count)
        precondition(written >= 0 && written <= extra, "OutputBytes.write wrote outside the room it asked for")
        count += written
    }

    /// Drops what was written after the first `count` bytes.
    func truncate(to count: Int) {
        precondition(count >= 0 && count <= self.count, "OutputBytes.truncate past its end")
        self.count = count
    }

    private func grow(toAtLeast minimum: Int) {
        let newCapacity = max(capacity * 2, minimum)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
