import BankGateCore
import BankGateCrypto
import XCTest

/// Self-signed certificates, certificate signing requests and PKCS#8 key files made by bankgate.
final class CertificateIssueTests: XCTestCase {
    /// Fixed instants: nothing here depends on today's date.
    let start = Timestamp(milliseconds: 1_767_225_600_000) // 2026-01-01T00:00:00Z
    var end: Timestamp { start.adding(milliseconds: 90 * 86_400_000) }

    func testSelfSignedRSACertificateHoldsWhatWasAsked() throws {
        let key = try SigningKey.generateRSA(bits: 2048)
        let certificate = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=ACME Treasury,O=ACME\\, Ltd,C=CN"),
                                                     notBefore: start, notAfter: end)
        let facts = certificate.facts
        XCTAssertEqual(facts.subject, "CN=ACME Treasury,O=ACME\\, Ltd,C=CN")
        XCTAssertEqual(facts.issuer, facts.subject)
        XCTAssertEqual(facts.subjectCommonName, "ACME Treasury")
        XCTAssertEqual(facts.notBefore, start)
        XCTAssertEqual(facts.notAfter, end)
        XCTAssertEqual(facts.keyAlgorithm, .rsa)
        XCTAssertEqual(facts.signatureAlgorithm, "sha256WithRSAEncryption")
        XCTAssertEqual(facts.serialNumber.count, 32)
        XCTAssertNoThrow(try SigningIdentity(key: key, certificate: certificate))
        XCTAssertThrows(.keyDoesNotMatchCertificate) { try SigningIdentity(key: try SigningKey.generateRSA(bits: 2048), certificate: certificate) }

        // Read back from its PEM: the same certificate.
        let reread = try XCTUnwrap(Certificate.load(pem: certificate.pemRepresentation).first)
        XCTAssertEqual(reread.facts, facts)
        let other = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=ACME Treasury"), notBefore: start, notAfter: end)
        XCTAssertNotEqual(other.facts.serialNumber, facts.serialNumber, "serial numbers are random")
    }

    func testSelfSignedSM2CertificateWithUTF8Subject() throws {
        let key = try SigningKey.generateSM2()
        let certificate = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=财务中心,O=示例公司,C=CN",
                                                                                                   sm2UserID: Array("ALICE123@YAHOO.COM".utf8)),
                                                     notBefore: start, notAfter: end)
        XCTAssertEqual(certificate.facts.subject, "CN=财务中心,O=示例公司,C=CN")
        XCTAssertEqual(certificate.facts.keyAlgorithm, .sm2)
        XCTAssertEqual(certificate.facts.signatureAlgorithm, "SM2-with-SM3")
        XCTAssertNoThrow(try SigningIdentity(key: key, certificate: certificate))
    }

    func testBadSubjectsAndValidityRefused() throws {
        let key = try SigningKey.generateSM2()
        for subject in ["ACME", "CN=", "NOSUCHATTRIBUTE=x", "CN=a,,O=b"] {
            do {
                _ = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: subject), notBefore: start, notAfter: end)
                XCTFail("accepted the subject \(subject)")
            } catch {
                guard case .invalidArgument = error else { return XCTFail("\(subject): unexpected \(error)") }
            }
        }
        XCTAssertThrows(.invalidArgument("notBefore must come before notAfter")) {
            try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=x"), notBefore: end, notAfter: start)
        }
    }

    func testSigningRequestPEM() throws {
        for key in [try SigningKey.generateRSA(bits: 2048), try SigningKey.generateSM2()] {
            let pem = String(decoding: try Certificate.signingRequestPEM(key: key, details: CertificateRequestDetails(subject: "CN=ACME,C=CN")),
                             as: UTF8.self)
            XCTAssertTrue(pem.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----\n"), pem)
            XCTAssertTrue(pem.hasSuffix("-----END CERTIFICATE REQUEST-----\n"), pem)
        }
    }

    func testPKCS8RoundTripEncryptedAndPlain() throws {
        let passphrase = Array("correct horse battery staple".utf8)
        for key in [try SigningKey.generateRSA(bits: 2048), try SigningKey.generateSM2()] {
            let encrypted = try key.pkcs8PEM(passphrase: passphrase)
            XCTAssertTrue(String(decoding: encrypted, as: UTF8.self).hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
            let opened = try SigningKey(pem: encrypted, passphrase: passphrase)
            XCTAssertEqual(opened.algorithm, key.algorithm)
            XCTAssertEqual(opened.verifyingKey.fingerprint, key.verifyingKey.fingerprint)
            XCTAssertThrows(.passphraseRequired) { try SigningKey(pem: encrypted) }

            let plain = try key.pkcs8PEM(passphrase: nil)
            XCTAssertTrue(String(decoding: plain, as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            XCTAssertEqual(try SigningKey(pem: plain).verifyingKey.fingerprint, key.verifyingKey.fingerprint)
        }
        XCTAssertThrows(.invalidArgument("an empty passphrase protects nothing")) { try SigningKey.generateSM2().pkcs8PEM(passphrase: []) }
    }

    func testPKCS12FixtureKeyWrittenAndReadBack() throws {
        let identity = try SigningIdentity.pkcs12(Fixture.bytes("test-only-rsa2048.p12"), passphrase: Fixture.passphrase)
        let pem = try identity.key.pkcs8PEM(passphrase: Fixture.passphrase)
        let key = try SigningKey(pem: pem, passphrase: Fixture.passphrase)
        XCTAssertNoThrow(try SigningIdentity(key: key, certificate: identity.certificate))
    }
}
