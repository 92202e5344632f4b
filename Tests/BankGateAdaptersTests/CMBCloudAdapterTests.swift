import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
import Foundation
import XCTest

/// CMB's cloud API: golden requests before encryption, the signature and the SM4 envelope, golden
/// answers (signed and encrypted by a test bank key) read both ways, and answers not to be trusted.
final class CMBCloudAdapterTests: XCTestCase {
    typealias Fixtures = CMBCloudFixtures

    /// Each request, before signing and encryption, against its golden file byte for byte (the
    /// golden files were written by hand in canonical form: keys sorted, no whitespace).
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let created = CMBFixtures.createdAt
        let cases: [(String, EncodedMessage)] = [
            ("bb1payop-request-other-bank.json", try adapter.encodePayment(CMBFixtures.message([CMBFixtures.otherBankTransfer()]))),
            ("bb1payop-request-same-bank.json", try adapter.encodePayment(CMBFixtures.message([CMBFixtures.sameBankTransfer()]))),
            ("bb1payqr-request.json", try adapter.encodeStatusQuery(Fixtures.query())),
            ("ntqacinf-request.json", try adapter.encodeBalanceQuery(account: CMBFixtures.debtor, queryId: "q-2", createdAt: created)),
            ("dctrsinf-request.json", try adapter.encodeTransactionQuery(account: CMBFixtures.debtor, fromDate: "2026-11-23",
                                                                         toDate: "2026-11-23", continuation: "T0001",
                                                                         queryId: "q-3", createdAt: created)),
        ]
        for (file, encoded) in cases {
            XCTAssertEqual(String(decoding: encoded.bytes, as: UTF8.self), String(decoding: try Fixtures.golden(file), as: UTF8.self), file)
            // And back: what the signer signs is the golden text itself.
            XCTAssertEqual(try adapter.signable(encoded).bytes, try Fixtures.golden(file), file)
        }
    }

    /// SM4-CBC with the fixed key and IV (`UID` + `000000`) gives the ciphertext `openssl enc -sm4-cbc` gave.
    func testSM4WithTheFixedKeyGivesTheFixedCiphertext() throws {
        XCTAssertEqual(String(decoding: Fixtures.iv, as: UTF8.self), "N000000001000000")
        let plaintext = try Fixtures.golden("bb1payqr-request.json")
        let expected = try XCTUnwrap(Data(base64Encoded: String(decoding: try Fixtures.golden("bb1payqr-request.sm4.b64"), as: UTF8.self)))
        let ciphertext = try SM4.encrypt(plaintext, key: Fixtures.sm4Key, mode: .cbc(iv: Fixtures.iv))
        XCTAssertEqual(ciphertext, Array(expected))
        XCTAssertEqual(try SM4.decrypt(Array(expected), key: Fixtures.sm4Key, mode: .cbc(iv: Fixtures.iv)), plaintext)
    }

    /// Seal: `sigdat` is the Base64 of `r ‖ s` of the signer's DER signature, the document is
    /// encrypted whole and posted as `ALG=SM&DATA=…&UID=…&FUNCODE=…`; the bank's check passes, and
    /// fails for one byte changed.
    func testTheSealedRequestCarriesAVerifiableSignature() throws {
        let adapter = Fixtures.adapter
        let encoded = try adapter.encodePayment(CMBFixtures.message([CMBFixtures.otherBankTransfer()]))
        XCTAssertTrue(adapter.needsSignature(encoded))
        let signable = try adapter.signable(encoded)
        let der = try Fixtures.clientKey.signature(for: signable.bytes, scheme: Fixtures.scheme)
        let sealed = try adapter.seal(encoded, signature: der, at: CMBFixtures.createdAt)
        XCTAssertEqual(sealed.contentType, "application/x-www-form-urlencoded")
        let form = String(decoding: sealed.bytes, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[parts[0]] = parts[1].removingPercentEncoding
        }
        XCTAssertEqual(Set(fields.keys), ["ALG", "DATA", "UID", "FUNCODE"])
        XCTAssertEqual(fields["ALG"], "SM")
        XCTAssertEqual(fields["UID"], "N000000001")
        XCTAssertEqual(fields["FUNCODE"], "BB1PAYOP")
        let ciphertext = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(fields["DATA"])))
        let document = try SM4.decrypt(Array(ciphertext), key: Fixtures.sm4Key, mode: .cbc(iv: Fixtures.iv))
        let parsed = try JSONValue.parse(document)
        let sigdat = try XCTUnwrap(parsed["signature"]?["sigdat"]?.stringValue)
        let raw = Array(try XCTUnwrap(Data(base64Encoded: sigdat)))
        XCTAssertEqual(raw.count, 64)
        XCTAssertEqual(raw, try SM2Signature.raw(fromDER: der))
        // The bank's check: the document with the placeholder back, canonical, against our public key.
        let placeholder = try XCTUnwrap(CMBCloudJSON.settingSignature(parsed, sigdat: CMBCloudAdapter.signaturePlaceholder))
        let checked = CMBCloudJSON.canonical(placeholder)
        XCTAssertEqual(checked, signable.bytes)
        let verifier = Fixtures.clientKey.verifyingKey
        XCTAssertTrue(try verifier.isValidSignature(try SM2Signature.der(fromRaw: raw), for: checked, scheme: Fixtures.scheme))
        var changed = checked
        changed[changed.count / 2] ^= 0x01
        XCTAssertFalse(try verifier.isValidSignature(try SM2Signature.der(fromRaw: raw), for: changed, scheme: Fixtures.scheme))
        XCTAssertThrowsError(try adapter.seal(encoded, signature: nil, at: CMBFixtures.createdAt))
    }

    /// Payment answers: the one result applies to the message's one transfer.
    func testPaymentAnswers() throws {
        let adapter = Fixtures.adapter
        let cases: [(String, PaymentStatus, String?)] = [
            ("bb1payop-answer-completed.json", .completed, nil),
            ("bb1payop-answer-processing.json", .processing, nil),
            ("bb1payop-answer-rejected.json", .rejected, "SIMAM04"),
            ("bb1payop-answer-duplicate.json", .unknown, "NCB4241"),
            ("bb1payop-answer-doubtful.json", .unknown, nil),
            ("bb1payop-answer-unknown-codes.json", .unknown, nil),
        ]
        for (file, status, reason) in cases {
            let body = try Fixtures.answer(file)
            XCTAssertEqual(adapter.disposition(httpStatus: 200, body: body), .report, file)
            let report = try adapter.decodePaymentAnswer(body, sentMessageId: "BGM1")
            XCTAssertEqual(report.originalMessageId, "BGM1")
            let outcome = try XCTUnwrap(report.outcome(endToEndId: "E2E", instructionId: "BGI20261123000001"), file)
            XCTAssertEqual(outcome.status, status, file)
            XCTAssertEqual(outcome.reasonCode, reason, file)
        }
        XCTAssertTrue(adapter.duplicateRefusalReasonCodes.contains("NCB4241"))
        for file in ["bb1payop-answer-failed-resultcode.json", "bb1payop-answer-without-result.json"] {
            guard case .unknown = adapter.disposition(httpStatus: 200, body: try Fixtures.answer(file)) else {
                return XCTFail("\(file): not unknown")
            }
        }
        guard case .unknown = adapter.disposition(httpStatus: 502, body: try Fixtures.answer("bb1payop-answer-completed.json")) else {
            return XCTFail("HTTP 502 must prove nothing")
        }
    }

    /// An answer that fails a check is not trusted: signed by another key, altered, encrypted under
    /// another key, a plain `ErrMsg`, or not Base64. The payment is unknown, a status query inconclusive.
    func testAnswersThatFailAnyCheckAreNotTrusted() throws {
        let adapter = Fixtures.adapter
        let completed = try Fixtures.sample("bb1payop-answer-completed.json")
        var altered = try Fixtures.bankAnswer(completed)
        altered[40] = altered[40] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let untrusted: [(String, [UInt8])] = [
            ("another key", try Fixtures.bankAnswer(completed, key: try SigningKey.generateSM2())),
            ("altered", altered),
            ("another SM4 key", try Fixtures.bankAnswer(completed, sm4Key: Array("0123456789abcdef".utf8))),
            ("ErrMsg", try Fixtures.sample("answer-errmsg.txt")),
            ("not Base64", Array("<html>gateway</html>".utf8)),
        ]
        for (label, body) in untrusted {
            guard case .unknown(let reason) = adapter.disposition(httpStatus: 200, body: body) else {
                XCTFail("\(label): must be unknown")
                continue
            }
            XCTAssertTrue(reason.hasPrefix("answer not trusted"), "\(label): \(reason)")
            XCTAssertThrowsError(try adapter.decodePaymentAnswer(body, sentMessageId: "BGM1"), label)
            guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: body, query: Fixtures.query()) else {
                XCTFail("\(label): a status query answer must be inconclusive")
                continue
            }
        }
        // Encrypted under the right key but never signed (sigdat still the placeholder).
        let unsigned = try SM4.encrypt(CMBCloudJSON.canonical(try JSONValue.parse(completed)), key: Fixtures.sm4Key,
                                       mode: .cbc(iv: Fixtures.iv))
        XCTAssertThrowsError(try adapter.openAnswer(Array(Data(unsigned).base64EncodedString().utf8)))
        XCTAssertNoThrow(try adapter.openAnswer(try Fixtures.bankAnswer(completed)))
    }

    /// `BB1PAYQR`: the record of the reference, nothing (not received), or other references.
    func testStatusQueryAnswers() throws {
        let adapter = Fixtures.adapter
        func interpret(_ file: String) throws -> StatusQueryAnswer {
            adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.answer(file), query: Fixtures.query())
        }
        guard case .report(let completed) = try interpret("bb1payqr-answer-completed.json") else { return XCTFail("no report") }
        XCTAssertEqual(completed.transactions.first?.status, .completed)
        XCTAssertEqual(completed.transactions.first?.instructionId, "BGI20261123000001")
        guard case .report(let returned) = try interpret("bb1payqr-answer-returned.json") else { return XCTFail("no report") }
        XCTAssertEqual(returned.transactions.first?.status, .returned)
        XCTAssertEqual(returned.transactions.first?.reasonText, "收方账户已销户")
        XCTAssertEqual(try interpret("bb1payqr-answer-none.json"), .notReceived)
        guard case .inconclusive = try interpret("bb1payqr-answer-other-reference.json") else { return XCTFail("other reference") }
        guard case .inconclusive = try interpret("bb1payop-answer-failed-resultcode.json") else { return XCTFail("resultcode") }
    }

    /// `NTQACINF` and `DCTRSINF` in the statement model.
    func testBalanceAndTransactionAnswers() throws {
        let adapter = Fixtures.adapter
        let balances = try adapter.decodeBalanceAnswer(try Fixtures.answer("ntqacinf-answer.json"), account: CMBFixtures.debtor,
                                                       asOf: "2026-11-23")
        XCTAssertEqual(balances.map(\.type), ["PRCD", "ITBD", "ITAV"])
        XCTAssertEqual(balances.map(\.amount.minorUnits), [100_000_000, 98_765_433, 98_765_433])
        XCTAssertEqual(balances.first?.date, "2026-11-22")
        let page = try adapter.decodeTransactionQueryPage(try Fixtures.answer("dctrsinf-answer.json"), account: CMBFixtures.debtor,
                                                          statementId: "S1")
        XCTAssertEqual(page.continuation, "T0002")
        XCTAssertEqual(page.transactions.count, 2)
        let debit = page.transactions[0]
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertEqual(debit.amount.minorUnits, 1_234_567)
        XCTAssertEqual(debit.instructionId, "BGI20261123000001")
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.balanceAfter?.minorUnits, 98_765_433)
        XCTAssertEqual(page.transactions[1].creditDebit, .credit)
        XCTAssertNil(page.transactions[1].instructionId)
        XCTAssertThrowsError(try adapter.decodeBalanceAnswer(
            try Fixtures.bankAnswer(try Fixtures.sample("ntqacinf-answer.json"), key: try SigningKey.generateSM2()),
            account: CMBFixtures.debtor, asOf: "2026-11-23"))
    }

    /// What the format cannot carry is refused with the API field named; one transfer per message.
    func testRefusals() throws {
        let adapter = Fixtures.adapter
        let problem = adapter.intakeProblem(CMBFixtures.otherBankTransfer(name: "上海某某😀有限公司"), debtor: CMBFixtures.debtor)
        XCTAssertEqual(problem?.field, "creditor.name")
        XCTAssertThrowsError(try adapter.encodePayment(CMBFixtures.message([CMBFixtures.otherBankTransfer(), CMBFixtures.sameBankTransfer()])))
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: CMBFixtures.debtor, fromDate: "2026-11-22", toDate: "2026-11-23",
                                                                continuation: nil, queryId: "q", createdAt: CMBFixtures.createdAt))
        XCTAssertEqual(adapter.signingAlgorithm, .sm2SM3)
        XCTAssertEqual(adapter.sm2UserID, "N000000001000000")
        XCTAssertEqual(CMBCloudAdapter.sm2UserID(for: "ABCDEFGHIJKLMNOPQR"), "ABCDEFGHIJKLMNOP")
    }

    /// The configuration: the SM4 key from the environment (16 characters or 32 hex digits), the
    /// bank's key from a PEM file or the Base64 of its point.
    func testMadeFromTheConfiguration() throws {
        XCTAssertEqual(try CMBCloudAdapter.sm4Key("BGSM4KEY20261123"), Fixtures.sm4Key)
        XCTAssertEqual(try CMBCloudAdapter.sm4Key(Hex.encode(Fixtures.sm4Key)), Fixtures.sm4Key)
        XCTAssertThrowsError(try CMBCloudAdapter.sm4Key("short"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmb-cloud-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pem = directory.appendingPathComponent("bank.pem").path
        try Fixtures.bankKey.verifyingKey.pemRepresentation.write(toFile: pem, atomically: true, encoding: .utf8)
        let point = directory.appendingPathComponent("bank.b64").path
        let der = Fixtures.bankKey.verifyingKey.derRepresentation
        try Data(der.suffix(65)).base64EncodedString().write(toFile: point, atomically: true, encoding: .utf8)
        for path in [pem, point] {
            let key = try CMBCloudAdapter.bankPublicKey(path: path)
            XCTAssertEqual(key.fingerprint, Fixtures.bankKey.verifyingKey.fingerprint, path)
        }
        XCTAssertThrowsError(try CMBCloudAdapter.bankPublicKey(path: directory.appendingPathComponent("missing").path))

        // Through the configuration: bank_public_key relative to the file, the SM4 key from the environment.
        let toml = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "data"

            [[tokens]]
            name = "treasury"
            token = "treasury-token-0123456789"
            scopes = ["payments:write"]

            [[banks]]
            id = "cmb-cloud"
            adapter = "cmb-cloud"
            transport = "http"
            url = "http://127.0.0.1:9108"
            user_id = "N000000001"
            sm4_key_env = "TEST_CMB_CLOUD_SM4"
            bank_public_key = "bank.pem"

            [[accounts]]
            id = "cmb-cloud-sz"
            bank = "cmb-cloud"
            number = "755912345610001"
            branch_code = "75"
            bank_code = "308584000013"
            name = "深圳示例科技有限公司"
            currency = "CNY"
            """
        let configuration = try BankGateConfiguration.parse(toml, fileName: "t.toml", baseDirectory: directory.path)
        let bank = try XCTUnwrap(configuration.banks.first)
        XCTAssertEqual(bank.adapterOptions["bank_public_key"], pem)
        let made = try AdapterRegistry.make(bank: bank, accounts: configuration.accounts,
                                            environment: ["TEST_CMB_CLOUD_SM4": Fixtures.sm4KeyText])
        XCTAssertEqual(made.name, "cmb-cloud")
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: configuration.accounts, environment: [:]))
    }

    /// `adapters/cmb-cloud/codes.tsv` and ``CMBCloudCodes/table`` say the same, row for row, and only
    /// `rtnFlg=S` means paid.
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: Fixtures.codesFile, encoding: .utf8)
        XCTAssertEqual(try BankCodeTable<CMBCloudCodeKind>.rows(fromTSV: text), CMBCloudCodes.table)
        XCTAssertEqual(CMBCloudCodes.table.filter { $0.category == .completed }.map(\.code), ["S"])
        XCTAssertNil(CMBCloudCodes.builtIn.category(.resultCode, "CSCAP91"))
    }
}
