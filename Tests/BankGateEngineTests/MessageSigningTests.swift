import BankGateAdapters
import BankGateCore
import BankGateEngine
import BankGateStore
import Synchronization
import XCTest

/// The signing stage between encoding and sending: what is signed is what is archived and sent,
/// and a signer that fails sends nothing and fails nothing; the payment waits for it.
final class MessageSigningTests: XCTestCase {
    func testTheSignedMessageIsArchivedAndSentAsSealed() async throws {
        let signer = CountingSigner(failures: 0)
        try await withHarness(adapter: SigningISOAdapter(), signer: signer) { h in
            let payment = try await h.submitOne()
            _ = try await h.waitForStatus(payment.id, .completed)
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1)
            let text = String(decoding: sent[0].bytes, as: UTF8.self)
            XCTAssertTrue(text.hasSuffix("<!--SIGNATURE:sig-1-->\n"), text)
            let archived = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(archived.first?.bytes, sent[0].bytes)
            XCTAssertEqual(signer.calls, 1)
        }
    }

    func testASignerThatFailsDelaysThePaymentAndSendsNothing() async throws {
        let signer = CountingSigner(failures: 2)
        try await withHarness(bank: ["max_attempts": 5, "backoff_base_ms": 1000, "backoff_max_ms": 60000],
                              adapter: SigningISOAdapter(), signer: signer) { h in
            let payment = try await h.submitOne()
            var record = try await h.waitForStatus(payment.id, .queued, attempts: 1)
            XCTAssertEqual(record.lastError, "not sent: cannot sign the message: sign port down")
            var sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 0)
            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.kind), ["signing-error"])

            h.clock.advance(to: try await h.submission(of: payment).nextAttemptAt)
            record = try await h.waitForStatus(payment.id, .queued, attempts: 2)
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 0)

            h.clock.advance(to: try await h.submission(of: payment).nextAttemptAt)
            record = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(record.attempts, 3)
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 1)
            XCTAssertEqual(signer.calls, 3)
        }
    }

    func testAMessageThatNeedsASignatureIsNeverSentWithoutOne() async throws {
        try await withHarness(bank: ["max_attempts": 1], adapter: SigningISOAdapter(), signer: nil) { h in
            let payment = try await h.submitOne()
            let record = try await h.waitForStatus(payment.id, .failed)
            XCTAssertTrue(record.lastError?.contains("no signer is configured") == true, record.lastError ?? "")
            let sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 0)
        }
    }
}

/// Fails its first `failures` calls, then signs with `sig-<n>`.
final class CountingSigner: MessageSigner {
    private let state: Mutex<(failures: Int, calls: Int)>
    init(failures: Int) { state = Mutex((failures, 0)) }
    var calls: Int { state.withLock { $0.calls } }

    func sign(_ message: EncodedMessage) async throws(SigningFailure) -> [UInt8] {
        let (fail, count) = state.withLock { value -> (Bool, Int) in
            value.calls += 1
            if value.failures > 0 { value.failures -= 1; return (true, value.calls) }
            return (false, value.calls)
        }
        if fail { throw SigningFailure("sign port down") }
        return Array("sig-\(count)".utf8)
    }
}

/// ISO 20022 whose payment messages must be signed; the seal appends the signature as a comment.
struct SigningISOAdapter: BankAdapter {
    let base = ISO20022Adapter(painVersion: .v09)
    var name: String { "signing-iso" }
    var capabilities: Set<AdapterCapability> { base.capabilities }
    var maxTransfersPerMessage: Int { base.maxTransfersPerMessage }
    var duplicateCheckWindowMilliseconds: Int64 { base.duplicateCheckWindowMilliseconds }
    var duplicateRefusalReasonCodes: Set<String> { base.duplicateRefusalReasonCodes }
    var paymentMessageKind: String { base.paymentMessageKind }
    func needsSignature(_ message: EncodedMessage) -> Bool { message.kind.hasPrefix("pain.001") }
    func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard let signature else { return message }
        var sealed = message
        sealed.bytes += Array("<!--SIGNATURE:\(String(decoding: signature, as: UTF8.self))-->\n".utf8)
        return sealed
    }
    func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage { try base.encodePayment(message) }
    func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage { try base.encodeStatusQuery(query) }
    func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition { base.disposition(httpStatus: httpStatus, body: body) }
    func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport { try base.decodeStatusReport(bytes) }
    func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        base.interpretStatusQueryAnswer(httpStatus: httpStatus, body: body, query: query)
    }
}
