import BankGateCore
import BankGateCrypto
import XCTest

/// SM2 signatures with SM3 and the user id, through OpenSSL 3's EVP_PKEY.
final class SM2Tests: XCTestCase {
    let message = Array("<CMBSDKPGK><INFO><FUNNAM>DCPAYMNT</FUNNAM></INFO></CMBSDKPGK>".utf8)

    func testRoundTripWithAGeneratedKey() throws {
        let key = try SigningKey.generateSM2()
        XCTAssertEqual(key.algorithm, .sm2)
        XCTAssertEqual(key.bits, 256)
        let signature = try key.signature(for: message, scheme: .sm2SM3)
        XCTAssertTrue(try key.verifyingKey.isValidSignature(signature, for: message, scheme: .sm2SM3))
        XCTAssertEqual(try SM2Signature.raw(fromDER: signature).count, 64)
    }

    func testVerificationFailsForAnyChangedByteAnotherUserIDOrAnotherKey() throws {
        let key = try SigningKey.generateSM2()
        let publicKey = key.verifyingKey
        let signature = try key.signature(for: message, scheme: .sm2SM3)
        for index in [0, message.count / 2, message.count - 1] {
            XCTAssertFalse(try publicKey.isValidSignature(signature, for: flipped(message, at: index), scheme: .sm2SM3))
        }
        for index in [0, 5, signature.count / 2, signature.count - 1] {
            XCTAssertFalse(try publicKey.isValidSignature(flipped(signature, at: index), for: message, scheme: .sm2SM3))
        }
        XCTAssertFalse(try publicKey.isValidSignature(signature, for: message, scheme: .sm2SM3(userID: "1234567812345679")))
        XCTAssertFalse(try publicKey.isValidSignature(signature, for: message + [0], scheme: .sm2SM3))
        XCTAssertFalse(try publicKey.isValidSignature([], for: message, scheme: .sm2SM3))
        XCTAssertFalse(try SigningKey.generateSM2().verifyingKey.isValidSignature(signature, for: message, scheme: .sm2SM3))
    }

    func testTheUserIDIsPartOfTheSignature() throws {
        let key = try SigningKey.generateSM2()
        let bankUserID = SignatureScheme.sm2SM3(userID: "N002012345000000")
        let signature = try key.signature(for: message, scheme: bankUserID)
        XCTAssertTrue(try key.verifyingKey.isValidSignature(signature, for: message, scheme: bankUserID))
        XCTAssertFalse(try key.verifyingKey.isValidSignature(signature, for: message, scheme: .sm2SM3))
        XCTAssertEqual(SignatureScheme.sm2SM3, .sm2SM3(userID: Array("1234567812345678".utf8)))
    }

    /// The example of GM/T 0003.5-2012 and GB/T 32918.5-2017 Annex A on the recommended curve:
    /// private key 3945208F…C5B8 (public key below, as OpenSSL derives it), user id
    /// "1234567812345678", message "message digest", and the published (r, s) made with the fixed
    /// random k of the example. OpenSSL signs with a random k, so only the verification can be checked.
    ///
    /// The better known example of GM/T 0003.2-2012 Annex A (user id "ALICE123@YAHOO.COM", r = 40F1EC59…)
    /// is on a test curve with p = 8542D69E…, not on the recommended curve; OpenSSL's EVP interface
    /// only reaches it through an SM2 key with explicit curve parameters built field by field, which
    /// bankgate has no other use for, so it is not checked here.
    func testTheRecommendedCurveExampleOfGMT0003Verifies() throws {
        let publicKey = try VerifyingKey(sm2Point: bytes(hex: """
            09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020
            CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13
            """))
        XCTAssertEqual(publicKey.algorithm, .sm2)
        let raw = bytes(hex: """
            F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
            B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
            """)
        let der = try SM2Signature.der(fromRaw: raw)
        let example = Array("message digest".utf8)
        XCTAssertTrue(try publicKey.isValidSignature(der, for: example, scheme: .sm2SM3))
        XCTAssertFalse(try publicKey.isValidSignature(der, for: example, scheme: .sm2SM3(userID: "ALICE123@YAHOO.COM")))
        XCTAssertFalse(try publicKey.isValidSignature(der, for: Array("message digesT".utf8), scheme: .sm2SM3))
        XCTAssertEqual(try SM2Signature.raw(fromDER: der), raw)
    }

    func testRawAndDERFormsConvertBothWays() throws {
        // r with its top bit set takes a leading zero in DER; a small s is shorter than 32 bytes there.
        let raw = [UInt8](repeating: 0xF0, count: 32) + [UInt8](repeating: 0, count: 31) + [0x07]
        let der = try SM2Signature.der(fromRaw: raw)
        XCTAssertEqual(Hex.encode(der), "3026022100" + String(repeating: "f0", count: 32) + "020107")
        XCTAssertEqual(try SM2Signature.raw(fromDER: der), raw)

        let key = try SigningKey.generateSM2()
        for _ in 0..<20 {
            let signature = try key.signature(for: message, scheme: .sm2SM3)
            let rawForm = try SM2Signature.raw(fromDER: signature)
            XCTAssertEqual(try SM2Signature.der(fromRaw: rawForm), signature)
            XCTAssertTrue(try key.verifyingKey.isValidSignature(try SM2Signature.der(fromRaw: rawForm), for: message, scheme: .sm2SM3))
        }
    }

    func testMalformedSignaturesAreRefusedByTheConversions() throws {
        XCTAssertThrows(.malformedSignature("a raw SM2 signature is 64 bytes, not 63")) {
            try SM2Signature.der(fromRaw: [UInt8](repeating: 1, count: 63))
        }
        let der = try SM2Signature.der(fromRaw: [UInt8](repeating: 1, count: 64))
        XCTAssertThrows(.malformedSignature("1 bytes after the DER signature")) { try SM2Signature.raw(fromDER: der + [0]) }
        do {
            _ = try SM2Signature.raw(fromDER: Array(der.dropLast()))
            XCTFail("a truncated DER signature was accepted")
        } catch {
            guard case .malformedSignature = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testFixtureKeyAndCertificateBelongTogether() throws {
        let key = try SigningKey(pem: Fixture.bytes("test-only-sm2-key.pem"))
        let certificate = try XCTUnwrap(Certificate.load(pem: Fixture.bytes("test-only-sm2-cert.pem")).first)
        XCTAssertEqual(certificate.facts.keyAlgorithm, .sm2)
        XCTAssertEqual(certificate.facts.signatureAlgorithm, "SM2-with-SM3")
        XCTAssertEqual(certificate.facts.subjectCommonName, "bankgate test-only SM2")
        let signature = try key.signature(for: message, scheme: .sm2SM3)
        XCTAssertTrue(try certificate.verifyingKey.isValidSignature(signature, for: message, scheme: .sm2SM3))
        XCTAssertEqual(certificate.verifyingKey.fingerprint, key.verifyingKey.fingerprint)

        let identity = try SigningIdentity.pkcs12(Fixture.bytes("test-only-sm2.p12"), passphrase: Fixture.passphrase)
        XCTAssertEqual(identity.key.algorithm, .sm2)
        XCTAssertEqual(identity.certificate.facts, certificate.facts)
        XCTAssertTrue(try identity.certificate.verifyingKey.isValidSignature(
            try identity.key.signature(for: message, scheme: .sm2SM3), for: message, scheme: .sm2SM3))
    }

    func testSchemesDoNotCrossKeyTypes() throws {
        let sm2 = try SigningKey.generateSM2()
        XCTAssertThrows(.schemeNotForKey(scheme: "RSA-PKCS1-SHA256", key: .sm2)) {
            try sm2.signature(for: message, scheme: .rsaPKCS1SHA256)
        }
        XCTAssertThrows(.schemeNotForKey(scheme: "RSA-PKCS1-SHA256", key: .sm2)) {
            try sm2.verifyingKey.isValidSignature([], for: message, scheme: .rsaPKCS1SHA256)
        }
    }
}
