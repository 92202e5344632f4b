import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation

extension FuzzTargets {
    /// CMB cloud answers. The input is the answer's JSON as the bank writes it before sealing; the
    /// target signs it with a bank key made for the run, SM4-encrypts and Base64-encodes it as the
    /// bank does, so the fuzzer reaches the JSON reading behind the signature check. The raw input
    /// also goes to ``CMBCloudAdapter/openAnswer(_:)`` as it stands (Base64, size, plain-text errors).
    static let cmbCloud = FuzzTarget(name: "cmb-cloud", summary: "CMB cloud answers (sealed JSON, CMBCloudAdapter)") { bytes in
        guard let bank = CMBCloudBank.shared else { return .refused("no SM2 key for the run") }
        _ = try? bank.adapter.openAnswer(bytes)
        let sealed: [UInt8]
        switch bank.seal(bytes) {
        case .success(let answer): sealed = answer
        case .failure(let error): return .refused(error.description)
        }
        return bankAnswers(name: "cmb-cloud", summary: "", adapter: bank.adapter, account: account("cmb-cloud", number: "755912345610001")) {
            adapter, answer in _ = try adapter.decodePaymentAnswer(answer, sentMessageId: messageId)
        }.run(sealed)
    }
}

/// The bank's side of the CMB cloud envelope for the fuzz target: its key pair and our adapter
/// trusting it.
struct CMBCloudBank: Sendable {
    static let userID = "N000000001"
    static let sm4Key = Array("BGSM4KEY20261123".utf8)
    /// Made once per process; `nil` only when OpenSSL cannot make an SM2 key.
    static let shared: CMBCloudBank? = try? CMBCloudBank()

    let key: SigningKey
    let adapter: CMBCloudAdapter

    init() throws {
        key = try SigningKey.generateSM2()
        adapter = try CMBCloudAdapter(userID: Self.userID, sm4Key: Self.sm4Key, bankPublicKey: key.verifyingKey,
                                      branchCodes: ["755912345610001": "75"])
    }

    /// `document` signed over its canonical text with the placeholder, `sigdat` = Base64 of `r ‖ s`,
    /// SM4-CBC encrypted (IV: the SM2 user id), Base64: an answer as the bank sends it.
    func seal(_ document: [UInt8]) -> Result<[UInt8], AdapterError> {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(document)
        } catch {
            return .failure(AdapterError("not JSON"))
        }
        guard let placeholder = CMBCloudJSON.settingSignature(parsed, sigdat: CMBCloudAdapter.signaturePlaceholder) else {
            return .failure(AdapterError("not an object with an object signature"))
        }
        let sm2UserID = CMBCloudAdapter.sm2UserID(for: Self.userID)
        do {
            let der = try key.signature(for: CMBCloudJSON.canonical(placeholder), scheme: .sm2SM3(userID: sm2UserID))
            let raw = try SM2Signature.raw(fromDER: der)
            guard let signed = CMBCloudJSON.settingSignature(parsed, sigdat: Data(raw).base64EncodedString()) else {
                return .failure(AdapterError("signature not set"))
            }
            let ciphertext = try SM4.encrypt(CMBCloudJSON.canonical(signed), key: Self.sm4Key, mode: .cbc(iv: Array(sm2UserID.utf8)))
            return .success(Array(Data(ciphertext).base64EncodedString().utf8))
        } catch {
            return .failure(AdapterError("sealing failed: \(error)"))
        }
    }
}
