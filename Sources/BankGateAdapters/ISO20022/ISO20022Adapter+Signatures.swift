public import BankGateConfig
public import BankGateCore
public import BankGateCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The XML signatures of an ISO 20022 bank: ours on what we send (`signature = "xmldsig"`, with
/// `signing_certificate` for `KeyInfo`), and the bank's on what it answers (`bank_certificate`).
public struct ISO20022Signatures: Sendable {
    /// Whether every message we send (pain.001, status request, camt.060) carries our enveloped
    /// signature, made with the bank's `[[keys]]` key in force (`rsa-sha256`).
    public var signsMessages: Bool
    /// Our certificate, written into each signature's `KeyInfo/X509Data`; none: no `KeyInfo`.
    public var signingCertificate: Certificate?
    /// The bank's certificate: when set, an answer is trusted only with a valid signature by its key.
    public var bankCertificate: Certificate?

    public init(signsMessages: Bool = false, signingCertificate: Certificate? = nil, bankCertificate: Certificate? = nil) {
        self.signsMessages = signsMessages
        self.signingCertificate = signingCertificate
        self.bankCertificate = bankCertificate
    }

    /// Nothing signed, nothing checked.
    public static let none = ISO20022Signatures()
}

extension ISO20022Adapter: KeySigningAdapter {
    /// `rsa-sha256` when the bank takes signed files, else `nil`.
    public var signingAlgorithm: KeyConfig.Algorithm? { signatures.signsMessages ? .rsaSHA256 : nil }

    /// Every message is signed when the bank takes signed files.
    public func needsSignature(_ message: EncodedMessage) -> Bool { signatures.signsMessages }

    /// The canonical `SignedInfo` of the message's enveloped signature (``XMLDSig/signedInfo(for:)``).
    public func signable(_ message: EncodedMessage) throws(AdapterError) -> EncodedMessage {
        guard signatures.signsMessages else { return message }
        var signable = message
        signable.bytes = try XMLDSig.signedInfo(for: message.bytes)
        return signable
    }

    /// The message with its `<ds:Signature>` as the last child of `Document` when the bank takes
    /// signed files; else the message as encoded.
    public func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard signatures.signsMessages else { return message }
        guard let signature else { throw AdapterError("the bank takes signed files only, and the message has no signature") }
        var sealed = message
        sealed.bytes = try XMLDSig.enveloped(message.bytes, signature: signature, certificate: signatures.signingCertificate)
        return sealed
    }

    /// Why an answer is not trusted: with `bank_certificate`, one without a valid signature by the
    /// bank's key; `nil` when it is (or when no certificate is configured).
    public func answerSignatureProblem(_ body: [UInt8]) -> String? {
        guard let certificate = signatures.bankCertificate else { return nil }
        return XMLDSig.verify(body, with: certificate.verifyingKey).problem.map { "answer signature: \($0)" }
    }

    /// Throws when ``answerSignatureProblem(_:)`` finds one.
    func checkAnswerSignature(_ body: [UInt8]) throws(AdapterError) {
        if let problem = answerSignatureProblem(body) { throw AdapterError(problem) }
    }

    /// Reads `bank`'s signature keys: `signature` (`xmldsig` or `none`, default the profile's),
    /// `signing_certificate` and `bank_certificate` (PEM or DER files, paths resolved against the
    /// configuration file's folder).
    static func signatures(of bank: BankConfig, profile: ISO20022Profile) throws(AdapterSetupError) -> ISO20022Signatures {
        let mode = bank.adapterOptions["signature"] ?? (profile.signedFiles ? "xmldsig" : "none")
        guard mode == "xmldsig" || mode == "none" else {
            throw AdapterSetupError("signature must be \"xmldsig\" or \"none\", not \"\(mode)\"")
        }
        var signatures = ISO20022Signatures(signsMessages: mode == "xmldsig")
        if let path = bank.adapterOptions["signing_certificate"] {
            guard signatures.signsMessages else {
                throw AdapterSetupError("signing_certificate is only used with signature = \"xmldsig\"")
            }
            signatures.signingCertificate = try certificate(at: path, key: "signing_certificate")
        }
        if let path = bank.adapterOptions["bank_certificate"] {
            let certificate = try certificate(at: path, key: "bank_certificate")
            guard certificate.facts.keyAlgorithm == .rsa else {
                throw AdapterSetupError("bank_certificate \(path) holds a \(certificate.facts.keyAlgorithm) key; XML signatures are checked with RSA-SHA256 only")
            }
            signatures.bankCertificate = certificate
        }
        return signatures
    }

    /// The first certificate of the PEM (or DER) file at `path`.
    static func certificate(at path: String, key: String) throws(AdapterSetupError) -> Certificate {
        guard let bytes = readSmallFile(path) else { throw AdapterSetupError("\(key): cannot read \(path)") }
        if let first = (try? Certificate.load(pem: bytes))?.first { return first }
        do {
            return try Certificate(der: bytes)
        } catch {
            throw AdapterSetupError("\(key): \(path) is not a PEM or DER certificate (\(error))")
        }
    }

    /// The contents of a file of at most 1 MiB; `nil` when it cannot be read.
    private static func readSmallFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
            if bytes.count > 1 << 20 { return nil }
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
