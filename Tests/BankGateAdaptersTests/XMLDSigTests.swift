import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateXML
import Foundation
import XCTest

/// Enveloped XML signatures on ISO 20022 files: the golden signed pain.001 (fixed key, fixed time),
/// checked by xmlsec1 where it is installed and by our verifier; one byte changed is refused.
final class XMLDSigTests: XCTestCase {
    typealias Fixtures = ISO20022Fixtures
    static let keys = Fixtures.packageRoot.appendingPathComponent("Tests/BankGateCryptoTests/Fixtures")
    static let keyPath = keys.appendingPathComponent("test-only-rsa2048-key.pem").path
    static let certificatePath = keys.appendingPathComponent("test-only-rsa2048-cert.pem").path
    static let golden = "pain.001.001.03-single-signed.xml"

    func key() throws -> SigningKey { try SigningKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: Self.keyPath)))) }

    func certificate() throws -> Certificate {
        try XCTUnwrap(try Certificate.load(pem: Array(try Data(contentsOf: URL(fileURLWithPath: Self.certificatePath)))).first)
    }

    /// The adapter of a bank that takes signed files.
    func signingAdapter(certificate: Certificate? = nil) -> ISO20022Adapter {
        ISO20022Adapter(painVersion: .v03, signatures: ISO20022Signatures(signsMessages: true, signingCertificate: certificate))
    }

    /// `message` encoded, signed with `key` as the engine does (signable → sign → seal).
    func signed(_ message: PaymentMessage, adapter: ISO20022Adapter, key: SigningKey) throws -> [UInt8] {
        let encoded = try adapter.encodePayment(message)
        XCTAssertTrue(adapter.needsSignature(encoded))
        let signature = try key.signature(for: try adapter.signable(encoded).bytes, scheme: .rsaPKCS1SHA256)
        return try adapter.seal(encoded, signature: signature, at: message.createdAt).bytes
    }

    func testTheSignedPain001IsStableAndMatchesTheGoldenFile() throws {
        let bytes = try signed(Fixtures.single(), adapter: signingAdapter(), key: key())
        XCTAssertEqual(bytes, try signed(Fixtures.single(), adapter: signingAdapter(), key: key()), "RSA PKCS#1 v1.5 is deterministic")
        let url = Fixtures.samples.appendingPathComponent(Self.golden)
        if ProcessInfo.processInfo.environment["BANKGATE_UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: url)
        }
        let golden = try XCTUnwrap(try? Data(contentsOf: url), "missing \(Self.golden): run with BANKGATE_UPDATE_GOLDEN=1")
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(decoding: golden, as: UTF8.self))
        // The unsigned document is the plain golden file with the signature before </Document>.
        let plain = try Fixtures.sample("pain.001.001.03-single.xml")
        let text = String(decoding: bytes, as: UTF8.self)
        let start = try XCTUnwrap(text.range(of: "<ds:Signature "))
        let end = try XCTUnwrap(text.range(of: "</ds:Signature>"))
        XCTAssertEqual(Array((String(text[..<start.lowerBound]) + String(text[end.upperBound...])).utf8), plain)
    }

    func testXmlsec1VerifiesTheGoldenFileAndRefusesOneChangedByte() throws {
        let xmlsec = "/usr/bin/xmlsec1"
        guard FileManager.default.isExecutableFile(atPath: xmlsec) else {
            throw XCTSkip("xmlsec1 is not installed (Debian package xmlsec1, in the Makefile's APT_PACKAGES)")
        }
        let golden = try Fixtures.sample(Self.golden)
        XCTAssertEqual(try run(xmlsec, ["--verify", "--pubkey-cert-pem", Self.certificatePath, "-"], input: golden), 0)
        var changed = golden
        let at = try XCTUnwrap(Self.range(of: "1250.00", in: changed)).lowerBound
        changed[at] = UInt8(ascii: "9")
        XCTAssertNotEqual(try run(xmlsec, ["--verify", "--pubkey-cert-pem", Self.certificatePath, "-"], input: changed), 0)
        // With our certificate in KeyInfo too (xmlsec1 checks the certificate against the trusted one).
        let withKeyInfo = try signed(Fixtures.single(), adapter: signingAdapter(certificate: certificate()), key: key())
        XCTAssertEqual(try run(xmlsec, ["--verify", "--trusted-pem", Self.certificatePath, "-"], input: withKeyInfo), 0)
    }

    func testOurVerifierAcceptsTheGoldenFileAndRefusesChanges() throws {
        let golden = try Fixtures.sample(Self.golden)
        let bankKey = try certificate().verifyingKey
        XCTAssertEqual(XMLDSig.verify(golden, with: bankKey), .valid)

        var amount = golden
        amount[try XCTUnwrap(Self.range(of: "1250.00", in: amount)).lowerBound] = UInt8(ascii: "9")
        XCTAssertEqual(XMLDSig.verify(amount, with: bankKey), .invalid("the digest does not match: the document was changed after it was signed"))

        var value = golden
        let valueStart = try XCTUnwrap(Self.range(of: "<ds:SignatureValue>", in: value)).upperBound
        value[valueStart + 10] = value[valueStart + 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertEqual(XMLDSig.verify(value, with: bankKey), .invalid("the signature value does not verify with the bank's certificate"))

        let other = try SigningKey.generateRSA(bits: 2048)
        XCTAssertEqual(XMLDSig.verify(golden, with: other.verifyingKey), .invalid("the signature value does not verify with the bank's certificate"))
        XCTAssertEqual(XMLDSig.verify(try Fixtures.sample("pain.001.001.03-single.xml"), with: bankKey), .missing)
    }

    func testWhatIsSignedIsTheCanonicalSignedInfoOfTheDocument() throws {
        let adapter = signingAdapter()
        let encoded = try adapter.encodePayment(Fixtures.batch())
        let bytes = try signed(Fixtures.batch(), adapter: adapter, key: key())
        let parts = try XCTUnwrap(try EnvelopedSignature.read(bytes))
        XCTAssertEqual(parts.canonicalSignedInfo, try adapter.signable(encoded).bytes)
        XCTAssertEqual(parts.canonicalDocument, try XMLCanonicalization.exclusive(encoded.bytes))
        XCTAssertEqual(parts.transforms, [XMLDSig.envelopedSignature, XMLDSig.exclusiveC14N])
        XCTAssertEqual(parts.referenceURI, "")
        XCTAssertNil(parts.certificate, "no signing_certificate: no KeyInfo")
        let withCertificate = try XCTUnwrap(try EnvelopedSignature.read(
            try signed(Fixtures.batch(), adapter: signingAdapter(certificate: certificate()), key: key())))
        XCTAssertEqual(withCertificate.certificate.flatMap { Data(base64Encoded: $0) }.map(Array.init), try certificate().derRepresentation)
    }

    func testAmbiguousSignaturesAreRefused() throws {
        let golden = String(decoding: try Fixtures.sample(Self.golden), as: UTF8.self)
        let signature = String(golden[try XCTUnwrap(golden.range(of: "<ds:Signature "))
                                        .lowerBound..<(try XCTUnwrap(golden.range(of: "</ds:Signature>")).upperBound)])
        let key = try certificate().verifyingKey
        let twice = golden.replacingOccurrences(of: "</Document>", with: signature + "</Document>")
        XCTAssertEqual(XMLDSig.verify(Array(twice.utf8), with: key), .invalid("the document or its XML signature cannot be read: the document has 2 XML signatures, not one"))
        let inside = golden.replacingOccurrences(of: signature, with: "")
            .replacingOccurrences(of: "</GrpHdr>", with: signature + "</GrpHdr>")
        XCTAssertEqual(XMLDSig.verify(Array(inside.utf8), with: key),
                       .invalid("the document or its XML signature cannot be read: the XML signature is not a child of the root element (not enveloped)"))
    }

    func testAnswersMustCarryTheBanksSignatureWhenABankCertificateIsConfigured() throws {
        let bank = try key()
        let adapter = ISO20022Adapter(painVersion: .v03, signatures: ISO20022Signatures(bankCertificate: try certificate()))
        XCTAssertNil(adapter.signingAlgorithm, "checking the bank's signatures signs nothing of ours")
        let report = try Fixtures.sample("pain.002.001.10-accepted.xml")
        let signedReport = try XMLDSig.enveloped(report, signature: try bank.signature(for: try XMLDSig.signedInfo(for: report),
                                                                                      scheme: .rsaPKCS1SHA256), certificate: nil)
        XCTAssertEqual(try adapter.decodeStatusReport(signedReport), try ISO20022Adapter(painVersion: .v03).decodeStatusReport(report))
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: signedReport), .report)

        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: report), .unknown("answer signature: the document carries no XML signature"))
        XCTAssertThrowsError(try adapter.decodeStatusReport(report))
        let reportId = try ISO20022Adapter(painVersion: .v03).decodeStatusReport(report).originalMessageId
        guard case .inconclusive(let reason) = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: report, originalMessageId: reportId) else {
            return XCTFail("an unsigned status query answer was trusted")
        }
        XCTAssertTrue(reason.contains("answer signature"), reason)

        let impostor = try SigningKey.generateRSA(bits: 2048)
        let forged = try XMLDSig.enveloped(report, signature: try impostor.signature(for: try XMLDSig.signedInfo(for: report),
                                                                                     scheme: .rsaPKCS1SHA256), certificate: nil)
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: forged),
                       .unknown("answer signature: the signature value does not verify with the bank's certificate"))
        XCTAssertThrowsError(try adapter.checkReportAnswer(Array("<Document/>".utf8)))
        XCTAssertNoThrow(try adapter.checkReportAnswer(signedReport))
        XCTAssertNoThrow(try ISO20022Adapter(painVersion: .v03).checkReportAnswer(report), "no bank certificate: nothing checked")
    }

    func testConfigurationKeysAndRelativeCertificatePaths() throws {
        func bank(_ keys: String) throws -> BankConfig {
            let text = """
                [server]
                listen = "127.0.0.1:0"
                data_dir = "data"

                [[tokens]]
                name = "t"
                token = "xmldsig-test-token-0123456789"
                scopes = ["operate"]

                [[banks]]
                id = "hsbc-hk"
                adapter = "iso20022"
                profile = "hsbc"
                transport = "http"
                url = "http://127.0.0.1:9"
                \(keys)
                """
            return try XCTUnwrap(try BankGateConfiguration.parse(text, fileName: "t.toml", baseDirectory: Self.keys.path).banks.first)
        }
        let configured = try bank("signature = \"xmldsig\"\nsigning_certificate = \"test-only-rsa2048-cert.pem\"\nbank_certificate = \"test-only-rsa2048-cert.pem\"")
        XCTAssertEqual(configured.adapterOptions["bank_certificate"], Self.certificatePath, "resolved against the configuration's folder")
        let adapter = try XCTUnwrap(try AdapterRegistry.make(bank: configured, accounts: []) as? ISO20022Adapter)
        XCTAssertEqual(adapter.signingAlgorithm, .rsaSHA256)
        XCTAssertEqual(adapter.signatures.bankCertificate?.derRepresentation, try certificate().derRepresentation)
        XCTAssertNotNil(adapter.signatures.signingCertificate)

        let plain = try XCTUnwrap(try AdapterRegistry.make(bank: try bank(""), accounts: []) as? ISO20022Adapter)
        XCTAssertNil(plain.signingAlgorithm, "no profile signs by default (not confirmed for HSBC)")
        XCTAssertFalse(plain.needsSignature(try plain.encodeStatusQuery(originalMessageId: "M1", originalKind: "pain.001.001.03",
                                                                         queryId: "Q1", createdAt: Fixtures.createdAt)))
        for (keys, problem) in [("signature = \"pgp\"", "signature must be \"xmldsig\" or \"none\""),
                                ("signing_certificate = \"test-only-rsa2048-cert.pem\"", "signing_certificate is only used with"),
                                ("bank_certificate = \"missing.pem\"", "bank_certificate: cannot read"),
                                ("bank_certificate = \"test-only-sm2-cert.pem\"", "RSA-SHA256 only")] {
            XCTAssertThrowsError(try AdapterRegistry.make(bank: try bank(keys), accounts: []), keys) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(error)")
            }
        }
    }

    private func run(_ executable: String, _ arguments: [String], input: [UInt8]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func range(of text: String, in bytes: [UInt8]) -> Range<Int>? {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start..<(start + needle.count)
        }
        return nil
    }
}
