public import BankGateCore
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An X.509 certificate: a bank's, or the one issued to the enterprise for its signing key.
public struct Certificate: Sendable, CustomStringConvertible {
    let handle: X509Handle
    /// What it says, as Swift values.
    public let facts: CertificateFacts

    /// Takes ownership of `certificate`.
    init(taking certificate: OpaquePointer) throws(CryptoError) {
        handle = X509Handle(certificate)
        facts = try CertificateFacts(reading: certificate)
    }

    /// The certificate in DER.
    public init(der: [UInt8]) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        let certificate: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let certificate else { throw .unreadableCertificate(openSSL: OpenSSLErrorQueue.drain()) }
        try self.init(taking: certificate)
    }

    /// Every `CERTIFICATE` in `pem`, in order (a certificate followed by its chain); throws when there is none.
    public static func load(pem: [UInt8]) throws(CryptoError) -> [Certificate] {
        OpenSSLErrorQueue.clear()
        var pointers: [OpaquePointer] = []
        withMemoryBIO(pem) { bio in
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { pointers.append(certificate) }
        }
        // Reading stops at the end of the text with a "no start line" error, or at a damaged certificate:
        // then nothing is returned, not the certificates before it.
        let last = ERR_peek_last_error()
        let openSSL = OpenSSLErrorQueue.drain()
        guard !pointers.isEmpty, last == 0 || ERR_GET_REASON(last) == PEM_R_NO_START_LINE else {
            pointers.forEach { X509_free($0) }
            throw .unreadableCertificate(openSSL: openSSL)
        }
        var certificates: [Certificate] = []
        for (index, pointer) in pointers.enumerated() {
            do {
                certificates.append(try Certificate(taking: pointer))
            } catch {
                pointers[(index + 1)...].forEach { X509_free($0) }
                throw error
            }
        }
        return certificates
    }

    /// Every certificate in `pem` (text).
    public static func load(pem: String) throws(CryptoError) -> [Certificate] { try load(pem: Array(pem.utf8)) }

    /// The public key the certificate holds.
    public var verifyingKey: VerifyingKey {
        guard let key = X509_get_pubkey(handle.pointer) else { preconditionFailure("X509_get_pubkey failed on a parsed certificate") }
        return VerifyingKey(taking: key)
    }

    /// The certificate in DER.
    public var derRepresentation: [UInt8] {
        guard let der = derEncoded({ i2d_X509(handle.pointer, $0) }) else { preconditionFailure("i2d_X509 failed") }
        return der
    }

    /// The `CERTIFICATE` PEM text.
    public var pemRepresentation: String {
        String(decoding: collectingMemoryBIO { _ = PEM_write_bio_X509($0, handle.pointer) }, as: UTF8.self)
    }

    public var description: String {
        "Certificate(\(facts.subject), serial \(facts.serialNumber), \(facts.keyAlgorithm), until \(facts.notAfter.iso8601Seconds))"
    }
}

/// The facts of a certificate an operator checks (`bankgate keys list|check`).
public struct CertificateFacts: Sendable, Hashable {
    /// The subject as RFC 2253 text, most specific first (`CN=…,O=…,C=CN`), UTF-8 unescaped.
    public var subject: String
    /// The subject's common name, if it has one.
    public var subjectCommonName: String?
    /// The issuer as RFC 2253 text.
    public var issuer: String
    /// The serial number in uppercase hexadecimal, as `openssl x509 -serial` prints it.
    public var serialNumber: String
    /// Start of validity.
    public var notBefore: Timestamp
    /// End of validity.
    public var notAfter: Timestamp
    /// The algorithm of the public key.
    public var keyAlgorithm: KeyAlgorithm
    /// The public key size in bits.
    public var keyBits: Int
    /// The issuer's signature algorithm, OpenSSL's long name (`sha256WithRSAEncryption`, `SM2-with-SM3`).
    public var signatureAlgorithm: String
    /// SHA-256 of the DER certificate, 64 lowercase hexadecimal digits.
    public var sha256Fingerprint: String

    /// Whether `instant` lies within notBefore…notAfter.
    public func isValid(at instant: Timestamp) -> Bool { notBefore <= instant && instant <= notAfter }

    init(reading certificate: OpaquePointer) throws(CryptoError) {
        guard let subjectName = X509_get_subject_name(certificate), let issuerName = X509_get_issuer_name(certificate),
              let start = X509_get0_notBefore(certificate), let end = X509_get0_notAfter(certificate),
              let notBefore = Self.timestamp(start), let notAfter = Self.timestamp(end),
              let serial = X509_get0_serialNumber(certificate),
              let key = X509_get0_pubkey(certificate),
              let der = derEncoded({ i2d_X509(certificate, $0) }) else {
            throw .unreadableCertificate(openSSL: OpenSSLErrorQueue.drain())
        }
        subject = Self.text(of: subjectName)
        subjectCommonName = Self.commonName(of: subjectName)
        issuer = Self.text(of: issuerName)
        let serialBytes = Array(UnsafeBufferPointer(start: ASN1_STRING_get0_data(serial), count: Int(ASN1_STRING_length(serial))))
        serialNumber = Hex.encode(serialBytes).uppercased()
        self.notBefore = notBefore
        self.notAfter = notAfter
        keyAlgorithm = BankGateCrypto.keyAlgorithm(of: key)
        keyBits = Int(EVP_PKEY_get_bits(key))
        signatureAlgorithm = OBJ_nid2ln(X509_get_signature_nid(certificate)).map { String(cString: $0) } ?? "unknown"
        sha256Fingerprint = SHA256.hex(der)
    }

    private static func text(of name: OpaquePointer) -> String {
        String(decoding: collectingMemoryBIO { _ = X509_NAME_print_ex($0, name, 0, bankgate_name_flags()) }, as: UTF8.self)
    }

    private static func commonName(of name: OpaquePointer) -> String? {
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { bankgate_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func timestamp(_ time: UnsafePointer<ASN1_TIME>) -> Timestamp? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Timestamp(milliseconds: Int64(timegm(&parts)) * 1000)
    }
}
