public import BankGateCore
public import BankGateCrypto
import BankGateXML

/// Enveloped XML signatures (XML-DSig) over whole ISO 20022 documents, in the one form bankgate
/// writes and accepts: exclusive C14N 1.0, RSA PKCS#1 v1.5 with SHA-256, one `Reference URI=""`
/// with the enveloped-signature and exclusive C14N transforms and a SHA-256 digest; the
/// `<ds:Signature>` is the last child of the root element. See `adapters/iso20022/PROFILES.md`.
public enum XMLDSig {
    /// The XML Signature namespace (prefix `ds`).
    public static let namespace = EnvelopedSignature.namespace
    /// Exclusive XML Canonicalization 1.0, without comments.
    public static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    /// RSA PKCS#1 v1.5 with SHA-256 (RFC 6931).
    public static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    /// The enveloped-signature transform.
    public static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    /// SHA-256 (XML Encryption).
    public static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"

    /// What checking a document's signature found.
    public enum Verification: Hashable, Sendable {
        /// A signature of the accepted form that verifies under the key.
        case valid
        /// The document carries no signature.
        case missing
        /// A signature that is not of the accepted form, or does not verify.
        case invalid(String)

        /// Why the document is not trusted; `nil` when it is.
        public var problem: String? {
            switch self {
            case .valid: nil
            case .missing: "the document carries no XML signature"
            case .invalid(let reason): reason
            }
        }
    }

    /// The canonical `SignedInfo` of the signature of `document`: the bytes the key signs
    /// (RSA PKCS#1 v1.5 over their SHA-256). `document` must not carry a signature yet.
    public static func signedInfo(for document: [UInt8]) throws(AdapterError) -> [UInt8] {
        Array(("<ds:SignedInfo xmlns:ds=\"\(namespace)\">" + signedInfoContent(digest: try digest(of: document)) + "</ds:SignedInfo>").utf8)
    }

    /// `document` with its enveloped signature: `signature` is the key's signature of
    /// ``signedInfo(for:)``; `certificate`, when given, goes into `KeyInfo/X509Data`.
    ///
    /// The `<ds:Signature>` goes right before the root element's end tag, with nothing around it, so
    /// that removing it gives back the bytes that were digested.
    public static func enveloped(_ document: [UInt8], signature: [UInt8], certificate: Certificate?) throws(AdapterError) -> [UInt8] {
        guard let insertAt = rootEndTag(document) else {
            throw AdapterError("the document does not end with its root element's end tag: it cannot be signed")
        }
        var element = "<ds:Signature xmlns:ds=\"\(namespace)\">\n<ds:SignedInfo>" + signedInfoContent(digest: try digest(of: document))
            + "</ds:SignedInfo>\n<ds:SignatureValue>" + base64(signature) + "</ds:SignatureValue>\n"
        if let certificate {
            element += "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + base64(certificate.derRepresentation)
                + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n"
        }
        element += "</ds:Signature>"
        var signed = Array(document[..<insertAt])
        signed.reserveCapacity(document.count + element.utf8.count)
        signed += element.utf8
        signed += document[insertAt...]
        return signed
    }

    /// Checks the enveloped signature of `document` with `key`: the form accepted (see the type's
    /// description), the digest of the document without its signature, and the signature value.
    /// The certificate a signature may carry is never used: the key is the one configured.
    public static func verify(_ document: [UInt8], with key: VerifyingKey) -> Verification {
        let found: EnvelopedSignature?
        do {
            found = try EnvelopedSignature.read(document)
        } catch {
            return .invalid("the document or its XML signature cannot be read: \(error.message)")
        }
        guard let parts = found else { return .missing }
        guard parts.canonicalizationMethod == exclusiveC14N else {
            return .invalid("canonicalization \(parts.canonicalizationMethod) is not exclusive C14N 1.0")
        }
        guard parts.signatureMethod == rsaSHA256 else { return .invalid("signature method \(parts.signatureMethod) is not RSA-SHA256") }
        guard parts.referenceURI == "" else { return .invalid("the signature does not cover the whole document (Reference URI is not \"\")") }
        guard parts.transforms == [envelopedSignature, exclusiveC14N] else {
            return .invalid("the transforms are not enveloped-signature then exclusive C14N 1.0")
        }
        guard parts.digestMethod == sha256 else { return .invalid("digest method \(parts.digestMethod) is not SHA-256") }
        guard let digest = Base64.decode(Array(parts.digestValue.utf8)), digest.count == SHA256.length else {
            return .invalid("the DigestValue is not the Base64 of a SHA-256 digest")
        }
        guard digest == SHA256.digest(parts.canonicalDocument) else {
            return .invalid("the digest does not match: the document was changed after it was signed")
        }
        guard let value = Base64.decode(Array(parts.signatureValue.utf8)) else { return .invalid("the SignatureValue is not Base64") }
        let valid: Bool
        do {
            valid = try key.isValidSignature(value, for: parts.canonicalSignedInfo, scheme: .rsaPKCS1SHA256)
        } catch {
            return .invalid("the signature cannot be checked: \(error)")
        }
        return valid ? .valid : .invalid("the signature value does not verify with the bank's certificate")
    }

    /// The SHA-256 of the exclusive canonical form of `document`.
    static func digest(of document: [UInt8]) throws(AdapterError) -> [UInt8] {
        do {
            return SHA256.digest(try XMLCanonicalization.exclusive(document))
        } catch {
            throw AdapterError("the document cannot be canonicalized for signing: \(error.message)", location: error.line.map { "line \($0)" })
        }
    }

    /// The children of `SignedInfo`, in canonical form (no whitespace, start and end tags).
    private static func signedInfoContent(digest: [UInt8]) -> String {
        "<ds:CanonicalizationMethod Algorithm=\"\(exclusiveC14N)\"></ds:CanonicalizationMethod>"
            + "<ds:SignatureMethod Algorithm=\"\(rsaSHA256)\"></ds:SignatureMethod>"
            + "<ds:Reference URI=\"\"><ds:Transforms>"
            + "<ds:Transform Algorithm=\"\(envelopedSignature)\"></ds:Transform>"
            + "<ds:Transform Algorithm=\"\(exclusiveC14N)\"></ds:Transform>"
            + "</ds:Transforms><ds:DigestMethod Algorithm=\"\(sha256)\"></ds:DigestMethod>"
            + "<ds:DigestValue>" + base64(digest) + "</ds:DigestValue></ds:Reference>"
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        String(decoding: Base64.encode(bytes), as: UTF8.self)
    }

    /// Where the root element's end tag starts: the last `</` of the document, followed by a name,
    /// `>` and nothing but whitespace.
    static func rootEndTag(_ document: [UInt8]) -> Int? {
        var index = document.count - 1
        while index > 0 {
            if document[index - 1] == UInt8(ascii: "<"), document[index] == UInt8(ascii: "/") { break }
            index -= 1
        }
        guard index > 0 else { return nil }
        let start = index - 1
        guard let close = document[start...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let tail = document[(close + 1)...]
        guard tail.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return nil }
        return start
    }
}
