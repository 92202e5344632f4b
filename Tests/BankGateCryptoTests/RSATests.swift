import BankGateCore
import BankGateCrypto
import XCTest

/// RSA-2048 PKCS#1 v1.5 signatures, key files (PEM, encrypted PKCS#8, PKCS#12) and certificate facts.
final class RSATests: XCTestCase {
    let message = Array("<CMS><eb><pub><TransCode>PAYENT</TransCode></pub></eb></CMS>".utf8)

    func testRoundTripWithAGeneratedKeyAndAChangedByteRefused() throws {
        let key = try SigningKey.generateRSA(bits: 2048)
        XCTAssertEqual(key.algorithm, .rsa)
        XCTAssertEqual(key.bits, 2048)
        let signature = try key.signature(for: message, scheme: .rsaPKCS1SHA256)
        XCTAssertEqual(signature.count, 256)
        let publicKey = key.verifyingKey
        XCTAssertTrue(try publicKey.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
        XCTAssertFalse(try publicKey.isValidSignature(signature, for: flipped(message, at: 7), scheme: .rsaPKCS1SHA256))
        XCTAssertFalse(try publicKey.isValidSignature(flipped(signature, at: 100), for: message, scheme: .rsaPKCS1SHA256))
        XCTAssertFalse(try publicKey.isValidSignature(signature, for: message, scheme: .legacyRSAPKCS1SHA1))
        XCTAssertFalse(try publicKey.isValidSignature(Array(signature.dropLast()), for: message, scheme: .rsaPKCS1SHA256))
    }

    func testLegacySHA1OnlyWhenAskedFor() throws {
        let key = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        let signature = try key.signature(for: message, scheme: .legacyRSAPKCS1SHA1)
        XCTAssertTrue(try key.verifyingKey.isValidSignature(signature, for: message, scheme: .legacyRSAPKCS1SHA1))
        XCTAssertFalse(try key.verifyingKey.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
    }

    /// PKCS#1 v1.5 is deterministic: the signature must be byte for byte the one of
    /// `printf 'bankgate test message for RSA-SHA256' | openssl dgst -sha256 -sign test-only-rsa2048-key.pem`.
    func testSignatureEqualsTheOpenSSLCommandLines() throws {
        let key = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        let expected = try Fixture.bytes("test-only-rsa2048-sha256-signature.hex")
        let signature = try key.signature(for: "bankgate test message for RSA-SHA256", scheme: .rsaPKCS1SHA256)
        XCTAssertEqual(Hex.encode(signature), String(decoding: expected, as: UTF8.self).filter { !$0.isWhitespace })
    }

    func testEncryptedPKCS8OpensOnlyWithItsPassphrase() throws {
        let pem = try Fixture.bytes("test-only-rsa2048-key-encrypted.pem")
        let plain = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        let opened = try SigningKey(pem: pem, passphrase: Fixture.passphrase)
        XCTAssertEqual(opened.verifyingKey.fingerprint, plain.verifyingKey.fingerprint)

        XCTAssertThrows(.passphraseRequired) { try SigningKey(pem: pem) }
        do {
            _ = try SigningKey(pem: pem, passphrase: Array("wrong-passphrase".utf8))
            XCTFail("a wrong passphrase opened the key")
        } catch {
            guard case .wrongPassphrase(let openSSL) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertFalse(openSSL.isEmpty)
        }
    }

    func testGarbageIsAnUnreadableKey() {
        do {
            _ = try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            XCTFail("garbage was read as a key")
        } catch {
            guard case .unreadableKey = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testPKCS12LoadsKeyAndCertificateInBothEncryptions() throws {
        let plain = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        for file in ["test-only-rsa2048.p12", "test-only-rsa2048-3des.p12"] {
            let identity = try SigningIdentity.pkcs12(Fixture.bytes(file), passphrase: Fixture.passphrase)
            XCTAssertEqual(identity.key.algorithm, .rsa, file)
            XCTAssertEqual(identity.key.verifyingKey.fingerprint, plain.verifyingKey.fingerprint, file)
            XCTAssertEqual(identity.certificate.facts.subjectCommonName, "bankgate test-only RSA", file)
            XCTAssertTrue(identity.chain.isEmpty, file)
        }
        do {
            _ = try SigningIdentity.pkcs12(Fixture.bytes("test-only-rsa2048.p12"), passphrase: Array("wrong".utf8))
            XCTFail("a wrong passphrase opened the PKCS#12 file")
        } catch {
            guard case .wrongPassphrase? = error as? CryptoError else { return XCTFail("unexpected \(error)") }
        }
        do {
            _ = try SigningIdentity.pkcs12(Array("not a PKCS#12 file".utf8), passphrase: Fixture.passphrase)
            XCTFail("garbage was read as PKCS#12")
        } catch {
            guard case .unreadablePKCS12 = error else { return XCTFail("unexpected \(error)") }
        }
    }

    /// Facts as `openssl x509 -noout -subject -issuer -serial -dates -nameopt RFC2253,-esc_msb` prints them.
    func testCertificateFacts() throws {
        let certificates = try Certificate.load(pem: Fixture.bytes("test-only-rsa2048-cert.pem"))
        XCTAssertEqual(certificates.count, 1)
        let facts = certificates[0].facts
        XCTAssertEqual(facts.subject, "CN=bankgate test-only RSA,O=银企直联测试,C=CN")
        XCTAssertEqual(facts.issuer, facts.subject)
        XCTAssertEqual(facts.subjectCommonName, "bankgate test-only RSA")
        XCTAssertEqual(facts.serialNumber, "0BA9C0DE01")
        XCTAssertEqual(facts.notBefore.iso8601Seconds, "2026-12-03T07:43:55Z")
        XCTAssertEqual(facts.notAfter.iso8601Seconds, "2036-11-30T07:43:55Z")
        XCTAssertEqual(facts.notAfter, Timestamp(milliseconds: 2_111_643_835_000))
        XCTAssertEqual(facts.keyAlgorithm, .rsa)
        XCTAssertEqual(facts.keyBits, 2048)
        XCTAssertEqual(facts.signatureAlgorithm, "sha256WithRSAEncryption")
        XCTAssertEqual(facts.sha256Fingerprint, "f09e2c5711b26b5205764ca9cd06e2f11f7c56c10d2d09894b8c0591219d3ffb")
        XCTAssertTrue(facts.isValid(at: Timestamp(milliseconds: 2_000_000_000_000)))
        XCTAssertFalse(facts.isValid(at: facts.notAfter.adding(milliseconds: 1000)))
        XCTAssertFalse(facts.isValid(at: facts.notBefore.adding(milliseconds: -1000)))

        let bundle = try Fixture.bytes("test-only-rsa2048-cert.pem") + Fixture.bytes("test-only-sm2-cert.pem")
        XCTAssertEqual(try Certificate.load(pem: bundle).map(\.facts.keyAlgorithm), [.rsa, .sm2])
        XCTAssertEqual(try Certificate(der: certificates[0].derRepresentation).facts, facts)
    }

    func testAKeyWithAnotherKeysCertificateIsRefused() throws {
        let certificate = try XCTUnwrap(Certificate.load(pem: Fixture.bytes("test-only-rsa2048-cert.pem")).first)
        XCTAssertThrows(.keyDoesNotMatchCertificate) { try SigningIdentity(key: try SigningKey.generateRSA(), certificate: certificate) }
        let key = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        XCTAssertNoThrow(try SigningIdentity(key: key, certificate: certificate))
    }

    func testPublicKeyFromPEMVerifies() throws {
        let key = try SigningKey(pem: Fixture.bytes("test-only-rsa2048-key.pem"))
        let fromPEM = try VerifyingKey(pem: key.verifyingKey.pemRepresentation)
        let fromCertificate = try VerifyingKey(pem: Fixture.bytes("test-only-rsa2048-cert.pem"))
        let signature = try key.signature(for: message, scheme: .rsaPKCS1SHA256)
        XCTAssertTrue(try fromPEM.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
        XCTAssertTrue(try fromCertificate.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
    }

    /// The key's description names the algorithm and the public key only.
    func testNoPrivateKeyMaterialInDescriptions() throws {
        let pem = try Fixture.bytes("test-only-rsa2048-key.pem")
        let key = try SigningKey(pem: pem)
        let base64Body = String(decoding: pem, as: UTF8.self).split(separator: "\n").dropFirst().dropLast().joined()
        for text in [key.description, String(describing: key), String(reflecting: key), "\(key)",
                     try SigningIdentity.pkcs12(Fixture.bytes("test-only-rsa2048.p12"), passphrase: Fixture.passphrase).description] {
            XCTAssertTrue(text.contains("RSA"), text)
            XCTAssertFalse(text.contains("PRIVATE"), text)
            for start in stride(from: 0, to: base64Body.count - 16, by: 64) {
                let chunk = base64Body.dropFirst(start).prefix(16)
                XCTAssertFalse(text.contains(chunk), "a piece of the private key in \(text)")
            }
        }
        XCTAssertTrue(key.description.hasPrefix("SigningKey(RSA, 2048 bits, public key sha256:"), key.description)
    }
}
