import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation

/// Fixed inputs for the CMB cloud codec tests: the user id, the SM4 key, a bank key pair and a
/// client key pair made for the run, and the golden files in `adapters/cmb-cloud/samples`.
enum CMBCloudFixtures {
    static let samples = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/cmb-cloud/samples")
    static let codesFile = ISO20022Fixtures.packageRoot.appendingPathComponent("adapters/cmb-cloud/codes.tsv")

    static let userID = "N000000001"
    /// The SM4 key as CMB hands it out: 16 characters.
    static let sm4KeyText = "BGSM4KEY20261123"
    static let sm4Key = Array(sm4KeyText.utf8)
    static let bankKey = try! SigningKey.generateSM2()
    static let clientKey = try! SigningKey.generateSM2()
    static let adapter = try! CMBCloudAdapter(userID: userID, sm4Key: sm4Key, bankPublicKey: bankKey.verifyingKey,
                                              branchCodes: ["755912345610001": "75"])

    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    /// A golden file without its final newline.
    static func golden(_ name: String) throws -> [UInt8] {
        var bytes = try sample(name)
        if bytes.last == 0x0A { bytes.removeLast() }
        return bytes
    }

    static var scheme: SignatureScheme { .sm2SM3(userID: CMBCloudAdapter.sm2UserID(for: userID)) }
    static var iv: [UInt8] { Array(CMBCloudAdapter.sm2UserID(for: userID).utf8) }

    /// `document` as the bank sends it: signed by `key` over its canonical text with the
    /// placeholder, `sigdat` the Base64 of `r ‖ s`, SM4-CBC encrypted under `sm4Key`, Base64.
    static func bankAnswer(_ document: [UInt8], key: SigningKey = bankKey, sm4Key: [UInt8] = sm4Key) throws -> [UInt8] {
        let parsed = try JSONValue.parse(document)
        let placeholder = try XCTUnwrapValue(CMBCloudJSON.settingSignature(parsed, sigdat: CMBCloudAdapter.signaturePlaceholder))
        let raw = try SM2Signature.raw(fromDER: try key.signature(for: CMBCloudJSON.canonical(placeholder), scheme: scheme))
        let signed = try XCTUnwrapValue(CMBCloudJSON.settingSignature(parsed, sigdat: Data(raw).base64EncodedString()))
        let ciphertext = try SM4.encrypt(CMBCloudJSON.canonical(signed), key: sm4Key, mode: .cbc(iv: iv))
        return Array(Data(ciphertext).base64EncodedString().utf8)
    }

    /// A golden answer file as the bank sends it.
    static func answer(_ name: String) throws -> [UInt8] { try bankAnswer(try sample(name)) }

    static func XCTUnwrapValue<T>(_ value: T?) throws -> T {
        guard let value else { throw CocoaError(.coderValueNotFound) }
        return value
    }

    static func query(_ reference: String = "BGI20261123000001") -> StatusQuery {
        StatusQuery(originalMessageId: "BGM1", originalKind: "CMB.BB1PAYOP", queryId: "BGQ1", createdAt: CMBFixtures.createdAt,
                    firstSentAt: CMBFixtures.createdAt, transfers: [SentTransfer(instructionId: reference, endToEndId: "E2E")])
    }
}
