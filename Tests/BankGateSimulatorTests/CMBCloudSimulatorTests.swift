import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation
@testable import BankGateSimulator
import XCTest

/// The simulated CMB cloud API's keys and codec: what the gateway's adapter seals the bank opens,
/// a request signed by another key is refused before anything is read, and the bank's answers
/// open in the adapter.
final class CMBCloudSimulatorTests: XCTestCase {
    private var directory: String!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmb-cloud-sim-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func adapter(_ keys: CMBCloudKeyMaterial) throws -> CMBCloudAdapter {
        try CMBCloudAdapter(userID: CMBCloudProfile.defaultUserID, sm4Key: keys.sm4Key, bankPublicKey: keys.bankKey.verifyingKey,
                            branchCodes: ["755912345610001": "75"])
    }

    private func sealedQuery(_ adapter: CMBCloudAdapter, signedBy key: SigningKey) throws -> [UInt8] {
        let query = try adapter.encodeStatusQuery(reference: "BGI1", queryId: "BGQ1", createdAt: Timestamp(milliseconds: 1_795_000_000_000))
        let scheme = SignatureScheme.sm2SM3(userID: adapter.sm2UserID)
        let signature = try key.signature(for: try adapter.signable(query).bytes, scheme: scheme)
        return try adapter.seal(query, signature: signature, at: Timestamp(milliseconds: 1_795_000_000_000)).bytes
    }

    func testTheKeysAreMadeOnceAndKeptPrivate() throws {
        let now = Timestamp(milliseconds: 1_795_000_000_000)
        let first = try CMBCloudKeyMaterial.loadOrCreate(directory: directory, now: now)
        let again = try CMBCloudKeyMaterial.loadOrCreate(directory: directory, now: now)
        XCTAssertEqual(first.bankKey.verifyingKey.fingerprint, again.bankKey.verifyingKey.fingerprint)
        XCTAssertEqual(first.clientKey.fingerprint, again.clientKey.fingerprint)
        XCTAssertEqual(first.sm4Key, again.sm4Key)
        for file in ["bank.key", "client.key", "sm4.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600, file)
        }
    }

    func testTheBankOpensWhatTheAdapterSealsAndRefusesAnotherKey() throws {
        let keys = try CMBCloudKeyMaterial.loadOrCreate(directory: directory, now: Timestamp(milliseconds: 1_795_000_000_000))
        let clientKey = try SigningKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: keys.clientKeyPath))))
        let adapter = try adapter(keys)
        let request = try CMBCloudBankCodec.open(try sealedQuery(adapter, signedBy: clientKey), userID: CMBCloudProfile.defaultUserID,
                                                 keys: keys)
        XCTAssertEqual(request.function, "BB1PAYQR")
        XCTAssertEqual(request.body["bb1payqrx1"]?.arrayValue?.first?["yurRef"]?.stringValue, "BGI1")
        XCTAssertThrowsError(try CMBCloudBankCodec.open(try sealedQuery(adapter, signedBy: try SigningKey.generateSM2()),
                                                        userID: CMBCloudProfile.defaultUserID, keys: keys)) { error in
            XCTAssertEqual((error as? CMBCloudBankCodec.Refusal)?.message, "验签失败 signature")
        }
        XCTAssertThrowsError(try CMBCloudBankCodec.open(try sealedQuery(adapter, signedBy: clientKey), userID: "N000000002", keys: keys))

        // The bank's answer opens in the adapter; a refusal in plain text does not.
        let answer = try CMBCloudBankCodec.answer(
            function: "BB1PAYQR", requestId: request.requestId, resultCode: "SUC0000",
            body: .object([JSONMember(key: "bb1payqrz1", value: .array([]))]), responseId: "R1",
            at: Timestamp(milliseconds: 1_795_000_000_000), userID: CMBCloudProfile.defaultUserID, keys: keys)
        let opened = try adapter.openAnswer(answer)
        XCTAssertEqual(opened.resultCode, "SUC0000")
        XCTAssertEqual(opened.function, "BB1PAYQR")
        XCTAssertThrowsError(try adapter.openAnswer(CMBCloudBankCodec.refusal("验签失败")))
    }

    func testPrintConfigNamesTheKeysTheBankUses() throws {
        let printed = try SimulatorProfiles.gatewayConfiguration(profile: "cmb-cloud", listen: ListenAddress(host: "127.0.0.1", port: 8090),
                                                                 dataDirectory: directory)
        let keys = try CMBCloudKeyMaterial.loadOrCreate(directory: directory + "/cmb-cloud", now: Timestamp(milliseconds: 0))
        XCTAssertTrue(printed.contains("# export BANKGATE_CMB_CLOUD_SM4_KEY=\(Hex.encode(keys.sm4Key))\n"), printed)
        XCTAssertTrue(printed.contains("adapter = \"cmb-cloud\""), printed)
        XCTAssertTrue(printed.contains("bank_public_key = \"\(keys.bankPublicKeyPath)\""), printed)
        XCTAssertTrue(printed.contains("[[keys]]\n"), printed)
        XCTAssertTrue(printed.contains("sm2_user_id = \"N000000001000000\""), printed)
    }
}
