import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation
import XCTest
@testable import BankGateSimulator

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
}
