public import BankGateCore
import COpenSSL

/// What a self-signed certificate or a certificate signing request is made of.
public struct CertificateRequestDetails: Sendable {
    /// The subject as RFC 2253 text, most specific first: `CN=ACME Treasury,O=ACME,C=CN`.
    /// A comma inside a value is written `\,`.
    public var subject: String
    /// The SM2 user id the signature over the certificate or request binds (SM2 keys only);
    /// the default of GM/T 0009 when nil.
    public var sm2UserID: [UInt8]?

    public init(subject: String, sm2UserID: [UInt8]? = nil) {
        self.subject = subject
        self.sm2UserID = sm2UserID
    }
}

extension Certificate {
    /// A new X.509 v3 certificate for `key`, signed by `key` itself (SHA256withRSA or SM3withSM2),
    /// valid from `notBefore` to `notAfter`, with a random 128-bit serial number, `CA:FALSE` and a
    /// key usage of digital signature and non-repudiation: test material and the certificate an
    /// enterprise shows a bank before the bank's CA issues one.
    public static func selfSigned(key: SigningKey, details: CertificateRequestDetails,
                                  notBefore: Timestamp, notAfter: Timestamp) throws(CryptoError) -> Certificate {
        guard notBefore < notAfter else { throw .invalidArgument("notBefore must come before notAfter") }
        OpenSSLErrorQueue.clear()
        guard let certificate = X509_new() else { throw OpenSSLErrorQueue.failure("X509_new") }
        // From here on the Certificate owns the pointer, and frees it if anything below throws.
        let owner = X509Handle(certificate)
        let name = try X509Name(rfc2253: details.subject)
        guard X509_set_version(certificate, Int(X509_VERSION_3)) == 1,
              X509_set_subject_name(certificate, name.pointer) == 1,
              X509_set_issuer_name(certificate, name.pointer) == 1,
              X509_set_pubkey(certificate, key.handle.pointer) == 1 else {
            throw OpenSSLErrorQueue.failure("building the certificate")
        }
        try setRandomSerial(certificate)
        guard ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBefore.milliseconds / 1000)) != nil,
              ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(notAfter.milliseconds / 1000)) != nil else {
            throw OpenSSLErrorQueue.failure("ASN1_TIME_set")
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate, certificate, nil, nil, 0)
        for (nid, value) in [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature,nonRepudiation"),
                             (NID_subject_key_identifier, "hash")] {
            guard let extensionValue = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLErrorQueue.failure("X509V3_EXT_conf_nid(\(value))")
            }
            defer { X509_EXTENSION_free(extensionValue) }
            guard X509_add_ext(certificate, extensionValue, -1) == 1 else { throw OpenSSLErrorQueue.failure("X509_add_ext") }
        }
        try sign(key: key, sm2UserID: details.sm2UserID) { X509_sign_ctx(certificate, $0) }
        return try Certificate(owning: owner)
    }

    /// A PKCS#10 certificate signing request for `key` and `details`, as `CERTIFICATE REQUEST` PEM:
    /// what the bank's or the CA's enrolment takes to issue the real certificate.
    public static func signingRequestPEM(key: SigningKey, details: CertificateRequestDetails) throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let request = X509_REQ_new() else { throw OpenSSLErrorQueue.failure("X509_REQ_new") }
        defer { X509_REQ_free(request) }
        let name = try X509Name(rfc2253: details.subject)
        guard X509_REQ_set_version(request, 0) == 1, X509_REQ_set_subject_name(request, name.pointer) == 1,
              X509_REQ_set_pubkey(request, key.handle.pointer) == 1 else {
            throw OpenSSLErrorQueue.failure("building the request")
        }
        try sign(key: key, sm2UserID: details.sm2UserID) { X509_REQ_sign_ctx(request, $0) }
        var ok: Int32 = 0
        let pem = collectingMemoryBIO { ok = PEM_write_bio_X509_REQ($0, request) }
        guard ok == 1 else { throw OpenSSLErrorQueue.failure("PEM_write_bio_X509_REQ") }
        return pem
    }

    /// Takes over the `X509` of `owner` (already filled in and signed).
    private init(owning owner: X509Handle) throws(CryptoError) {
        handle = owner
        facts = try CertificateFacts(reading: owner.pointer)
    }

    /// Signs with a digest context set up for `key`'s scheme (the SM2 user id set before any data).
    private static func sign(key: SigningKey, sm2UserID: [UInt8]?, _ body: (OpaquePointer) -> Int32) throws(CryptoError) {
        let scheme: SignatureScheme = switch key.algorithm {
        case .sm2: .sm2SM3(userID: sm2UserID ?? SM2.defaultUserID)
        default: .rsaPKCS1SHA256
        }
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.failure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        try prepareSignatureContext(context, key: key.handle.pointer, scheme: scheme, signing: true)
        guard body(context) > 0 else { throw OpenSSLErrorQueue.failure("signing with \(scheme)") }
    }

    /// A random positive 128-bit serial number, as RFC 5280 asks (at most 20 octets, unpredictable).
    private static func setRandomSerial(_ certificate: OpaquePointer) throws(CryptoError) {
        var bytes = SecureRandom.bytes(16)
        bytes[0] = bytes[0] & 0x7F | 0x40
        guard let number = BN_bin2bn(bytes, 16, nil) else { throw OpenSSLErrorQueue.failure("BN_bin2bn") }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw OpenSSLErrorQueue.failure("BN_to_ASN1_INTEGER")
        }
    }
}

/// An `X509_NAME` built from RFC 2253 text, freed with the value.
private final class X509Name {
    let pointer: OpaquePointer

    /// `CN=…,O=…,C=CN`: attributes most specific first, as RFC 2253 and `CertificateFacts.subject`
    /// write them; stored in the certificate in the reverse (X.500) order.
    init(rfc2253 text: String) throws(CryptoError) {
        var attributes: [(String, String)] = []
        var current = "", escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                attributes.append(try Self.attribute(current, in: text))
                current = ""
            } else {
                current.append(character)
            }
        }
        attributes.append(try Self.attribute(current, in: text))
        guard let name = X509_NAME_new() else { throw OpenSSLErrorQueue.failure("X509_NAME_new") }
        pointer = name
        for (field, value) in attributes.reversed() {
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_txt(name, field, bankgate_MBSTRING_UTF8(), bytes, Int32(bytes.count), -1, 0) == 1 else {
                OpenSSLErrorQueue.clear()
                throw .invalidArgument("the subject attribute \(field)=\(value) is not one OpenSSL knows or accepts")
            }
        }
    }

    private static func attribute(_ part: String, in text: String) throws(CryptoError) -> (String, String) {
        guard let equals = part.firstIndex(of: "=") else {
            throw .invalidArgument("the subject \"\(text)\" is not of the form CN=…,O=…,C=…")
        }
        let field = part[..<equals].trimmingSpaces, value = part[part.index(after: equals)...].trimmingSpaces
        guard !field.isEmpty, !value.isEmpty else { throw .invalidArgument("the subject \"\(text)\" has an empty attribute") }
        return (field, value)
    }

    deinit { X509_NAME_free(pointer) }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
