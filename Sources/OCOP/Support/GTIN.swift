/// GS1 GTIN (8, 12, 13 or 14 digits) with check digit; stored as 14 digits.
///
/// GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) and GTIN-14 are one number space:
/// left-padding with zeros changes neither the number nor its check digit
/// (zeros weigh nothing), so storing the 14-digit form makes "0893…" and
/// "893…" the same product, as GS1 Digital Link URIs (`/01/{gtin14}`) expect.
public struct GTIN: Sendable, Hashable, CustomStringConvertible {
    /// Always 14 digits, left-padded with zeros.
    public let digits: String

    /// Digits only, length 8/12/13/14, check digit valid, not all zeros; nil otherwise.
    public init?(_ text: String) {
        let utf8 = text.utf8
        let count = utf8.count
        guard count == 8 || count == 12 || count == 13 || count == 14, !GTIN.isAllZeros(text),
              let last = utf8.last, last &- UInt8(ascii: "0") < 10,
              let expected = GTIN.checkDigit(ofData: utf8.dropLast()),
              Int(last - UInt8(ascii: "0")) == expected else { return nil }
        digits = String(unsafeUninitializedCapacity: 14) { out in
            let padding = 14 - count
            for i in 0..<padding { out[i] = UInt8(ascii: "0") }
            for (i, byte) in utf8.enumerated() { out[padding + i] = byte }
            return 14
        }
    }

    /// All zeros passes the check digit (zeros weigh nothing) but GS1 issues no such number: it
    /// is a placeholder typed into a form, and `/01/00000000000000` would resolve to it.
    static func isAllZeros(_ text: String) -> Bool {
        !text.utf8.contains { $0 != UInt8(ascii: "0") }
    }

    /// The GS1 check digit for `dataDigits` (the number without its check
    /// digit): weights 3,1,3,1… from the right, check = (10 − sum mod 10) mod 10.
    /// Nil when the text is empty, longer than 17 digits (GS1's longest key,
    /// the SSCC) or holds anything but ASCII digits.
    public static func checkDigit(for dataDigits: String) -> Int? {
        checkDigit(ofData: dataDigits.utf8)
    }

    private static func checkDigit<Bytes: BidirectionalCollection<UInt8>>(ofData bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 17 else { return nil }
        var sum = 0
        var weight = 3  // the digit next to the check digit weighs 3 (GS1 General Specifications §7.9.1)
        for byte in bytes.reversed() {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            sum += Int(digit) * weight
            weight = 4 - weight
        }
        return (10 - sum % 10) % 10
    }

    /// The 14-digit form.
    public var description: String { digits }
}
