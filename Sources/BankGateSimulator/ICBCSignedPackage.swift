import BankGateCrypto
import Foundation

/// The simulated NetSafe Client's signed package: what its sign port returns in `<sign>…</sign>` and
/// what the gateway then sends as `reqData`.
///
/// The real NC returns a PKCS#7 SignedData made with the enterprise certificate; the simulator's is
/// smaller and checkable without a certificate:
///
///     Base64( "ICBCSIM1" ‖ document ‖ HMAC-SHA256(key, "ICBCSIM1" ‖ document) )
///
/// `document` is the GBK request exactly as posted to the sign port, the MAC is 32 bytes, and the key
/// is the simulator's (``defaultKey``; sign port and servlet share it). The servlet takes the document
/// back out of the package, so a package whose MAC does not match its document, or that is not a
/// package at all, is refused before anything is read from it.
enum ICBCSignedPackage {
    /// The first bytes of every package.
    static let magic = Array("ICBCSIM1".utf8)
    /// The length of the MAC at the end.
    static let macLength = 32
    /// The simulator's signing key. It only has to be the same on both ports of one simulator: it
    /// stands for the certificate, it protects nothing.
    static let defaultKey = Array("bankgate bank-sim icbc NetSafe Client signing key".utf8)

    /// Why a package was refused.
    enum Refusal: Error, Hashable, Sendable {
        /// Not Base64, too short, or without the magic: not a signed package.
        case notAPackage
        /// The MAC does not match the document: the document was changed after signing, or signed
        /// with another key.
        case signatureMismatch
    }

    /// The signed package of `document`, in Base64 (no line breaks).
    static func sign(_ document: [UInt8], key: [UInt8]) -> [UInt8] {
        let signed = magic + document
        let mac = HMACSHA256.authenticationCode(key: key, message: signed)
        return Array((Data(signed + mac).base64EncodedString()).utf8)
    }

    /// The document inside `package` (Base64, whitespace allowed) when its MAC verifies under `key`.
    static func verify(_ package: [UInt8], key: [UInt8]) -> Result<[UInt8], Refusal> {
        let text = String(decoding: package.filter { $0 > 0x20 }, as: UTF8.self)
        guard let data = Data(base64Encoded: text) else { return .failure(.notAPackage) }
        let bytes = Array(data)
        guard bytes.count > magic.count + macLength, bytes.starts(with: magic) else { return .failure(.notAPackage) }
        let signed = Array(bytes[..<(bytes.count - macLength)])
        let mac = Array(bytes[(bytes.count - macLength)...])
        guard ConstantTime.equal(HMACSHA256.authenticationCode(key: key, message: signed), mac) else {
            return .failure(.signatureMismatch)
        }
        return .success(Array(signed[magic.count...]))
    }

    /// The sign port's answer page: the package in `<sign>`, in lines of 64 characters as the NC
    /// writes its Base64.
    static func answerPage(_ package: [UInt8]) -> [UInt8] {
        var lines: [String] = []
        var start = 0
        while start < package.count {
            let end = min(start + 64, package.count)
            lines.append(String(decoding: package[start..<end], as: UTF8.self))
            start = end
        }
        return Array(("<html><head><title>NetSafe Client</title></head><body>\n<sign>" + lines.joined(separator: "\n")
            + "</sign>\n</body></html>\n").utf8)
    }

    /// The sign port's answer when it cannot sign: an HTML page without `<sign>`.
    static func errorPage(_ message: String) -> [UInt8] {
        Array(("<html><head><title>NetSafe Client</title></head><body>\n<result>1</result>\n<error>"
            + message.replacingOccurrences(of: "<", with: "&lt;") + "</error>\n</body></html>\n").utf8)
    }
}
