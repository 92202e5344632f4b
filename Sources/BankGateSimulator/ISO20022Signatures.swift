import BankGateAdapters
import BankGateCrypto
import Foundation

/// `--verify-certificate`, `--signing-key`, `--signing-certificate` of the ISO 20022 profile: the
/// files as given on the command line.
public struct SimulatorSignatureFiles: Hashable, Sendable {
    /// The certificate whose key must have signed every pain.001 (PEM); `nil`: signatures are not checked.
    public var verifyCertificate: String?
    /// The bank's private key (unencrypted PEM) that signs every XML answer; `nil`: answers are not signed.
    public var signingKey: String?
    /// The certificate of `signingKey` (PEM), written into the answers' `KeyInfo`.
    public var signingCertificate: String?

    public init(verifyCertificate: String? = nil, signingKey: String? = nil, signingCertificate: String? = nil) {
        self.verifyCertificate = verifyCertificate
        self.signingKey = signingKey
        self.signingCertificate = signingCertificate
    }

    /// Whether any of the three is given.
    public var isEmpty: Bool { verifyCertificate == nil && signingKey == nil && signingCertificate == nil }

    /// Checks the files for `profile` by loading them.
    func validate(profile: String) throws(BankSimulatorOptionsError) {
        guard !isEmpty else { return }
        guard ["iso20022", "hsbc", "bochk"].contains(profile) else {
            throw BankSimulatorOptionsError("--verify-certificate, --signing-key and --signing-certificate are for the ISO 20022 profiles only (iso20022, hsbc, bochk)")
        }
        _ = try SimulatorSignatures.load(self)
    }
}

/// The ISO 20022 bank's XML signatures, loaded: it checks ours on pain.001 (a missing or bad one is
/// refused with a pain.002 group `RJCT`, never executed) and signs its XML answers (enveloped
/// XML-DSig, the form ``XMLDSig`` describes).
struct SimulatorSignatures: Sendable {
    /// The key every pain.001 must be signed with.
    var verifyingKey: VerifyingKey?
    /// The key the answers are signed with, with its certificate.
    var signing: (key: SigningKey, certificate: Certificate)?

    /// Loads `files`; `nil` when none is given.
    static func load(_ files: SimulatorSignatureFiles) throws(BankSimulatorOptionsError) -> SimulatorSignatures? {
        guard !files.isEmpty else { return nil }
        var loaded = SimulatorSignatures()
        if let path = files.verifyCertificate {
            loaded.verifyingKey = try certificate(path, flag: "--verify-certificate").verifyingKey
        }
        switch (files.signingKey, files.signingCertificate) {
        case (let keyPath?, let certificatePath?):
            let keyBytes = try read(keyPath, flag: "--signing-key")
            let key: SigningKey
            do {
                key = try SigningKey(pem: keyBytes)
            } catch {
                throw BankSimulatorOptionsError("--signing-key \(keyPath): \(error)")
            }
            guard key.algorithm == .rsa else { throw BankSimulatorOptionsError("--signing-key must be an RSA key") }
            loaded.signing = (key, try certificate(certificatePath, flag: "--signing-certificate"))
        case (nil, nil):
            break
        default:
            throw BankSimulatorOptionsError("--signing-key and --signing-certificate go together: give both or neither")
        }
        return loaded
    }

    /// The answer signed when it is an XML document; others (plain text, MT940, a body broken by
    /// the malformed fault) as they are.
    func sign(_ answer: BankAnswer) -> BankAnswer {
        guard let signing, answer.contentType == "application/xml", !answer.body.isEmpty,
              let signedInfo = try? XMLDSig.signedInfo(for: answer.body),
              let value = try? signing.key.signature(for: signedInfo, scheme: .rsaPKCS1SHA256),
              let signed = try? XMLDSig.enveloped(answer.body, signature: value, certificate: signing.certificate) else {
            return answer
        }
        var answer = answer
        answer.body = signed
        return answer
    }

    private static func certificate(_ path: String, flag: String) throws(BankSimulatorOptionsError) -> Certificate {
        let bytes = try read(path, flag: flag)
        guard let first = (try? Certificate.load(pem: bytes))?.first else {
            throw BankSimulatorOptionsError("\(flag) \(path) holds no PEM certificate")
        }
        return first
    }

    private static func read(_ path: String, flag: String) throws(BankSimulatorOptionsError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BankSimulatorOptionsError("\(flag): cannot read \(path)")
        }
        return Array(data)
    }
}
