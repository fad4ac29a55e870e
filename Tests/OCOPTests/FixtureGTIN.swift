import OCOP

/// A valid GTIN-13 derived from a product code, so fixtures of groups that need a barcode
/// (every group but tourism, before certification) carry a distinct one.
func fixtureGTIN(_ code: String) -> GTIN {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in code.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    var digits = String(hash % 1_000_000_000)
    digits = String(repeating: "0", count: 9 - digits.count) + digits
    let data = "893" + digits
    guard let check = GTIN.checkDigit(for: data), let gtin = GTIN(data + String(check)) else {
        preconditionFailure("fixture GTIN for \(code)")
    }
    return gtin
}
