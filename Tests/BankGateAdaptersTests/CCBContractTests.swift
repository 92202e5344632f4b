import BankGateAdapters
import BankGateConfig
import BankGateCore
import XCTest

/// CCB through the engine's adapter contract: the 外联客户端's form, a password that never reaches
/// the archive, numeric references, status by `REQUEST_SN1`.
final class CCBContractTests: XCTestCase {
    private typealias Fixtures = CCBFixtures

    private func message() -> PaymentMessage {
        PaymentMessage(messageId: "2026112300000001", paymentInfoId: "2026112300000001-1", createdAt: Fixtures.createdAt,
                       requestedExecutionDate: "2026-11-23", debtor: Fixtures.debtor, initiatingPartyName: Fixtures.debtor.name,
                       transfers: [Fixtures.sameBankTransfer()])
    }

    func testTheSealedFormCarriesThePasswordAndTheArchiveDoesNot() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        XCTAssertEqual(adapter.clientReferenceFormat, .digits)
        let encoded = try adapter.encodePayment(message())
        let sealed = try adapter.seal(encoded, signature: nil, at: Fixtures.createdAt)
        XCTAssertEqual(sealed.contentType, CCBAdapter.formContentType)
        XCTAssertTrue(sealed.bytes.starts(with: Array("requestXml=".utf8)))
        XCTAssertEqual(sealed.bytes, CCBAdapter.envelope(encoded))
        let password = Array(Fixtures.password.utf8)
        let formPassword = Array("s3cret%219".utf8)  // "!" is percent-encoded in the form
        XCTAssertNotNil(sealed.bytes.firstRange(of: formPassword), "the bank needs the password in the message")
        let archived = adapter.archivableBytes(sealed)
        XCTAssertNil(archived.firstRange(of: formPassword))
        XCTAssertNil(archived.firstRange(of: password))
        XCTAssertNotNil(archived.firstRange(of: Array("PASSWORD%3E******%3C".utf8)), "the password is blanked, the rest kept")
        XCTAssertEqual(archived.count, sealed.bytes.count - formPassword.count + 6)
    }

    func testTheStatusQueryNamesTheTransferAndReadsNotReceived() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let query = StatusQuery(originalMessageId: "2026112300000001", originalKind: "CCB.6W8010", queryId: "2026112310000001",
                                createdAt: Fixtures.createdAt, firstSentAt: Fixtures.createdAt, debtor: Fixtures.debtor,
                                transfers: [SentTransfer(instructionId: "2026112300000001", endToEndId: "INV-2026-0042")])
        let encoded = try adapter.encodeStatusQuery(query)
        XCTAssertEqual(encoded.bytes, try Fixtures.sample("6w0600-request.xml"))
        guard case .report(let report) = adapter.interpretStatusQueryAnswer(
            httpStatus: 200, body: try Fixtures.sample("6w0600-answer-completed.xml"), query: query) else {
            return XCTFail("expected a report")
        }
        XCTAssertEqual(report.transactions.map(\.status), [.completed])
        XCTAssertEqual(report.originalMessageId, "2026112300000001")
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("6w1503-answer-not-found.xml"),
                                                          query: query), .notReceived)
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("6w8010-answer-busy.xml"),
                                                                       query: query) else {
            return XCTFail("busy proves nothing")
        }
    }

    func testTheConfigurationNamesThePasswordsVariableNotThePassword() throws {
        var bank = BankConfig(id: "ccb-sz", adapter: "ccb", transport: .http(url: "http://127.0.0.1:1"))
        bank.adapterOptions = ["customer_id": "SZP000012345#001", "user_id": "WLPT01", "password_env": "CCB_PW"]
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: [], environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("CCB_PW"), "\(error)")
        }
        let adapter = try AdapterRegistry.make(bank: bank, accounts: [], environment: ["CCB_PW": Fixtures.password])
        XCTAssertEqual(adapter.name, "ccb")
        XCTAssertFalse("\(adapter)".contains(Fixtures.password))
    }

    /// Over the client's raw TCP port the document goes as it is (no form), the answer is read until
    /// the client closes, and the archive still never holds the password.
    func testOverTheRawSocketTheDocumentIsSentAsItIs() throws {
        var bank = BankConfig(id: "ccb-sz", adapter: "ccb", transport: .tcp(host: "127.0.0.1", port: 12345))
        bank.adapterOptions = ["customer_id": "SZP000012345#001", "user_id": "WLPT01", "password_env": "CCB_PW"]
        let adapter = try AdapterRegistry.make(bank: bank, accounts: [], environment: ["CCB_PW": Fixtures.password])
        let encoded = try Fixtures.adapter.encodePayment(message())
        let sealed = try adapter.seal(encoded, signature: nil, at: Fixtures.createdAt)
        XCTAssertEqual(sealed.bytes, encoded.bytes, "no requestXml= form over TCP")
        XCTAssertFalse(adapter.isCompleteAnswer(Array("<TX></TX>".utf8)), "read until the client closes")
        XCTAssertNotNil(sealed.bytes.firstRange(of: Array(Fixtures.password.utf8)))
        let archived = adapter.archivableBytes(sealed)
        XCTAssertNil(archived.firstRange(of: Array(Fixtures.password.utf8)))
        XCTAssertNotNil(archived.firstRange(of: Array("<PASSWORD>******</PASSWORD>".utf8)))
    }
}
