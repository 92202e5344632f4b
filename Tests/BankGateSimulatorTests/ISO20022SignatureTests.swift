import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The ISO 20022 bank with signature files: --print-config names them, bad combinations are refused.
final class ISO20022SignatureTests: XCTestCase {
    static let keys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("BankGateCryptoTests/Fixtures")
    static let key = keys.appendingPathComponent("test-only-rsa2048-key.pem").path
    static let certificate = keys.appendingPathComponent("test-only-rsa2048-cert.pem").path

    func testPrintConfigAddsTheSignatureKeysAndAKeysTemplate() throws {
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 9101), dataDirectory: "var/sim",
                                           signatureFiles: SimulatorSignatureFiles(verifyCertificate: Self.certificate,
                                                                                   signingKey: Self.key,
                                                                                   signingCertificate: Self.certificate))
        try options.validate()
        let tables = try TOMLLines.parse(try SimulatorProfiles.gatewayConfiguration(options: options))
        XCTAssertEqual(tables.map(\.name), ["banks", "accounts", "keys"])
        XCTAssertEqual(tables[0].values["signature"], "xmldsig")
        XCTAssertEqual(tables[0].values["bank_certificate"], Self.certificate)
        XCTAssertEqual(tables[2].values["certificate"], Self.certificate)
        XCTAssertEqual(tables[2].values["bank"], "sim-iso")
        XCTAssertEqual(tables[2].values["algorithm"], "rsa-sha256")
        XCTAssertEqual(tables[2].values["accounts"], "[\"sim-iso-eur\"]", "the key is bound to the simulator's account")
    }

    func testBadSignatureOptionsAreRefused() {
        let listen = ListenAddress(host: "127.0.0.1", port: 0)
        for (files, profile, problem) in [
            (SimulatorSignatureFiles(signingKey: Self.key), "iso20022", "go together"),
            (SimulatorSignatureFiles(verifyCertificate: "/nonexistent.pem"), "iso20022", "cannot read"),
            (SimulatorSignatureFiles(verifyCertificate: Self.key), "iso20022", "no PEM certificate"),
            (SimulatorSignatureFiles(verifyCertificate: Self.certificate), "cmb", "ISO 20022 profiles only"),
        ] {
            XCTAssertThrowsError(try BankSimulatorOptions(listen: listen, profile: profile, signatureFiles: files).validate()) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(error)")
            }
        }
    }

    func testSignedAnswersVerifyAndUnsignedOnesAreLeftAlone() throws {
        let signatures = try XCTUnwrap(try SimulatorSignatures.load(SimulatorSignatureFiles(signingKey: Self.key,
                                                                                            signingCertificate: Self.certificate)))
        let body = Array("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt/></Document>\n".utf8)
        let signed = signatures.sign(.report(body, subject: "M1"))
        let certificate = try XCTUnwrap(try Certificate.load(pem: Array(try Data(contentsOf: URL(fileURLWithPath: Self.certificate)))).first)
        XCTAssertEqual(XMLDSig.verify(signed.body, with: certificate.verifyingKey), .valid)
        let text = BankAnswer.text(503, "bank in maintenance", effect: .refusedForNow)
        XCTAssertEqual(signatures.sign(text), text, "plain text is not signed")
    }

    /// Folder mode checks signatures as HTTP does: an unsigned pain.001 in the inbox is refused (a
    /// group RJCT with DS0A, nothing executed), a signed one is executed and its answer file signed.
    func testFolderModeChecksAndSignsLikeHTTP() async throws {
        let directory = try makeTemporaryDirectory(self)
        let files = SimulatorSignatureFiles(verifyCertificate: Self.certificate, signingKey: Self.key,
                                            signingCertificate: Self.certificate)
        let options = BankSimulatorOptions(dataDirectory: directory + "/data", signatureFiles: files)
        let profile = try XCTUnwrap(try SimulatorProfiles.require("iso20022").configured(for: options) as? BankGateSimulator.ISO20022Profile)
        let bank = try await SimulatedBank.open(dataDirectory: directory + "/data", accounts: ruleAccounts,
                                                faults: FaultSettings(seed: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { bank.close() }
        let worker = SimulatorFolderWorker(bank: bank, inbox: directory + "/in", outbox: directory + "/out", logger: quietLogger,
                                           answer: { bytes in await profile.folderAnswer(bytes, bank: bank) })
        try worker.prepareDirectories()
        let inbox = URL(fileURLWithPath: directory + "/in"), outbox = URL(fileURLWithPath: directory + "/out")
        let certificate = try XCTUnwrap(try Certificate.load(pem: Array(try Data(contentsOf: URL(fileURLWithPath: Self.certificate)))).first)

        let unsigned = Pain001Fixture.document(messageId: "MSG-UNSIGNED", transfers: [TestTransfer(endToEndId: "E-U", amount: "3")])
        try Data(unsigned).write(to: inbox.appendingPathComponent("a-unsigned.xml"))
        let first = await worker.pollOnce()
        XCTAssertEqual(first, 1)
        let refusal = Array(try Data(contentsOf: outbox.appendingPathComponent("MSG-UNSIGNED.pain.002.xml")))
        let refused = try ReadReport(refusal)
        XCTAssertEqual(refused.groupStatus, "RJCT")
        XCTAssertEqual(refused.groupReason, "DS0A")
        XCTAssertEqual(XMLDSig.verify(refusal, with: certificate.verifyingKey), .valid, "the refusal is signed too")
        let executedBefore = try await bank.transfers()
        XCTAssertTrue(executedBefore.isEmpty, "an unsigned file is never executed")

        let document = Pain001Fixture.document(messageId: "MSG-SIGNED", transfers: [TestTransfer(endToEndId: "E-S", amount: "4")])
        let key = try SigningKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: Self.key))))
        let signature = try key.signature(for: try XMLDSig.signedInfo(for: document), scheme: .rsaPKCS1SHA256)
        let signed = try XMLDSig.enveloped(document, signature: signature, certificate: certificate)
        try Data(signed).write(to: inbox.appendingPathComponent("b-signed.xml"))
        let second = await worker.pollOnce()
        XCTAssertEqual(second, 1)
        let answer = Array(try Data(contentsOf: outbox.appendingPathComponent("MSG-SIGNED.pain.002.xml")))
        XCTAssertEqual(try ReadReport(answer).lines["E-S"]?.status, "ACSC")
        XCTAssertEqual(XMLDSig.verify(answer, with: certificate.verifyingKey), .valid, "the answer file is signed")
        let executed = try await bank.transfers()
        XCTAssertEqual(executed.count, 1)
    }
}
