import BankGateCore
import BankGateCrypto

/// The document the simulator hands over for an e-receipt (电子回单). It cannot make the bank's PDF,
/// so it writes the receipt's data as plain UTF-8 text, one `name: value` line per field in the
/// bank's own field names, under a first line that says what it is. The same booking always gives
/// the same bytes.
enum SimulatedReceiptDocument {
    /// The first line of every document.
    static let title = "bankgate bank simulator e-receipt (电子回单): data only, not a bank document"

    /// The document of one receipt: the title, `bank`, `receipt`, then `fields` in the order given,
    /// empty values left out.
    static func text(bank: String, receiptNumber: String, fields: [(String, String)]) -> [UInt8] {
        var lines = [title, "bank: " + bank, "receipt: " + receiptNumber]
        for (name, value) in fields where !value.isEmpty {
            lines.append(name + ": " + value.replacingLineBreaks())
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// A check code for a receipt (`CHKCOD`, `checod`): 16 hexadecimal digits of the SHA-256 of its
    /// number and serial, so that it is stable and differs between receipts.
    static func checkCode(_ receiptNumber: String, _ serial: String) -> String {
        Hex.encode(Array(SHA256.digest(Array((receiptNumber + "|" + serial).utf8)).prefix(8))).uppercased()
    }
}

extension String {
    /// The text with CR and LF replaced by spaces: one line of a receipt document.
    fileprivate func replacingLineBreaks() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
