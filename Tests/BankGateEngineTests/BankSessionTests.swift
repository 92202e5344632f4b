import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateEngine
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// A bank that wants a signed-in session (BOC): one sign-in for many messages, the token in each,
/// a new sign-in after the bank says the session is gone, the token never archived.
final class BankSessionTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("adapters/boc/samples")
    static func sample(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: samples.appendingPathComponent(name))) }

    let cny = Currency(code: "CNY")!
    lazy var debtor = DebtorAccount(id: "acc-boc", bankId: "boc", number: "456776543210", bankCode: "104290003015",
                                    name: "上海示例贸易有限公司", currency: cny)
    lazy var adapter = BOCAdapter(terminalId: "E127000000001", customerId: "12345678", operatorId: "10000001",
                                  branchNumbers: [debtor.number: "40600"])

    func connection(signInAnswer: [UInt8]) -> (BankConnection, SignInCountingTransport) {
        let transport = SignInCountingTransport(answer: signInAnswer)
        let session = SessionKeeper(adapter: adapter, transport: transport, password: "op-secret-1", clock: FixedClock(instant: Timestamp(milliseconds: 1_796_000_000_000)),
                                    logger: Logger(label: "test"))
        let connection = BankConnection(config: BankConfig(id: "boc", adapter: "boc", transport: .http(url: "http://127.0.0.1:1")),
                                        adapter: adapter, transport: transport, accounts: [debtor.id: debtor], session: session)
        return (connection, transport)
    }

    func payment() throws -> EncodedMessage {
        try adapter.encodePayment(PaymentMessage(
            messageId: "BGM1", paymentInfoId: "BGM1-1", createdAt: Timestamp(milliseconds: 1_796_000_000_000),
            requestedExecutionDate: "2026-12-03", debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: "p1", instructionId: "BGI1", endToEndId: "E1",
                                       amount: Money(minorUnits: 80_000, currency: cny),
                                       creditor: Party(name: "上海某某贸易有限公司", account: "31001234567890123", bankCode: "102290000011",
                                                       bankName: "中国工商银行"),
                                       remittanceInfo: nil, details: TransferDetails(purpose: "货款"))]))
    }

    func testOneSignInServesEveryMessageUntilTheBankRefusesTheToken() async throws {
        let (connection, transport) = connection(signInAnswer: try Self.sample("b2e0001-answer-signed-in.xml"))
        let first = try await connection.prepare(try payment(), at: Timestamp(milliseconds: 1_796_000_000_000))
        let second = try await connection.prepare(try payment(), at: Timestamp(milliseconds: 1_796_000_001_000))
        XCTAssertEqual(transport.signIns, 1)
        for prepared in [first, second] {
            XCTAssertNotNil(prepared.bytes.firstRange(of: Array("<token>TOKEN9TTQALYGH1</token>".utf8)))
            XCTAssertNil(prepared.bytes.firstRange(of: Array(BOCAdapter.sessionPlaceholder.utf8)))
        }
        XCTAssertTrue(transport.lastSignIn.contains("op-secret-1"), "the sign-in carries the password")
        // The archive keeps the message without the token.
        let archived = adapter.archivableBytes(first)
        XCTAssertNil(archived.firstRange(of: Array("TOKEN9TTQALYGH1".utf8)))
        XCTAssertNotNil(archived.firstRange(of: Array("<token>******</token>".utf8)))

        // The bank says the session is gone: the next message signs in again.
        await connection.noteAnswer(try Self.sample("b2eerror-answer-sign-in-required.xml"))
        _ = try await connection.prepare(try payment(), at: Timestamp(milliseconds: 1_796_000_002_000))
        XCTAssertEqual(transport.signIns, 2)
        // Any other answer leaves it.
        await connection.noteAnswer(try Self.sample("b2e0009-answer-accepted.xml"))
        _ = try await connection.prepare(try payment(), at: Timestamp(milliseconds: 1_796_000_003_000))
        XCTAssertEqual(transport.signIns, 2)
    }

    func testARefusedSignInSendsNothing() async throws {
        let (connection, _) = connection(signInAnswer: try Self.sample("b2e0001-answer-refused.xml"))
        do {
            _ = try await connection.prepare(try payment(), at: Timestamp(milliseconds: 1_796_000_000_000))
            XCTFail("a message without a session must not be prepared")
        } catch {
            guard case BankConnection.PreparationFailure.unsigned = error else { return XCTFail("\(error)") }
        }
    }
}

/// Answers every query (the sign-in goes as one) with `answer`, counting them.
final class SignInCountingTransport: BankTransport {
    private let state = Mutex<(count: Int, last: String)>((0, ""))
    let answer: [UInt8]
    init(answer: [UInt8]) { self.answer = answer }
    var signIns: Int { state.withLock { $0.count } }
    var lastSignIn: String { state.withLock { $0.last } }

    func submit(_ message: EncodedMessage) async -> TransportOutcome { .notSent("not used") }
    func query(_ message: EncodedMessage) async -> TransportOutcome {
        state.withLock { $0 = ($0.count + 1, String(decoding: message.bytes, as: UTF8.self)) }
        return .answered(status: 200, body: answer)
    }
    func pickUp() async throws -> [InboundFile] { [] }
    func settle(_ file: InboundFile, failureReason: String?) async throws {}
}
