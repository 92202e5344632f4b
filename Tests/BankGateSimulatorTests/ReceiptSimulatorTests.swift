import BankGateAdapters
import BankGateCore
import BankGateCrypto
import BankGateTestSupport
import BankGateXML
import Foundation
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

/// E-receipts from the CMB, CMB cloud and ICBC simulators over HTTP: a payment the simulator
/// executed, then the receipt query encoded by the adapter and answered by the simulator, decoded
/// into a receipt naming that payment's client reference, amount and bank serial (the one the
/// transaction details give), and, where the bank has one, the receipt's document.
final class ReceiptSimulatorTests: XCTestCase {
    private static let cny = Currency(code: "CNY")!
    private static let amount = Money(minorUnits: 123_456, currency: cny)

    private func withService(profile: String, _ body: @escaping @Sendable (Int, String) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", faults: FaultSettings(seed: 2), profile: profile)
        let service = try BankSimulatorService(options: options, clock: MiddayClock(), logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = await service.waitUntilListening()
            do {
                try await body(try XCTUnwrap(port, "the server must report its port"), directory + "/data")
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private static func post(_ port: Int, _ path: String, _ body: [UInt8], contentType: String) async throws -> RawHTTPClient.Response {
        let response = try await Task.detached {
            try RawHTTPClient.send(port: port, method: "POST", path: path, body: body, contentType: contentType)
        }.value
        return try XCTUnwrap(response)
    }

    private static func payment(_ reference: String, debtor: DebtorAccount, creditor: String) -> PaymentMessage {
        PaymentMessage(
            messageId: "M-" + reference, paymentInfoId: "P", createdAt: MiddayClock().now(), requestedExecutionDate: MiddayClock().today,
            debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: "p", instructionId: reference, endToEndId: "E", amount: amount,
                                       creditor: Party(name: "上海示例贸易有限公司", account: creditor, bankCode: debtor.bankCode),
                                       remittanceInfo: nil, details: TransferDetails(purpose: "货款", sameBank: true))])
    }

    // MARK: - CMB front-end

    func testCMBReceiptOfAnExecutedPayment() async throws {
        let adapter = CMBAdapter(loginName: CMBProfile.defaultLoginName, branchCodes: ["755912345610001": "75"])
        let debtor = DebtorAccount(id: "sz", bankId: "cmb-sim", number: "755912345610001", bankCode: CMBProfile.bankCode,
                                   name: "深圳示例科技有限公司", currency: Self.cny)
        try await withService(profile: "cmb") { port, _ in
            let paid = try await Self.post(port, "/", try adapter.encodePayment(Self.payment("BGI-R-1", debtor: debtor,
                                                                                             creditor: "215912345620001")).bytes,
                                           contentType: CMBAdapter.contentType)
            guard case .outcomes(let outcomes) = adapter.decodePaymentAnswer(paid.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(outcomes.map(\.status), [.completed])
            let today = MiddayClock().today

            let transactions = try await Self.post(port, "/", try adapter.encodeTransactionQuery(
                account: debtor, fromDate: today, toDate: today, queryId: "q-t").bytes, contentType: CMBAdapter.contentType)
            let booked = try XCTUnwrap(try adapter.decodeTransactionAnswer(transactions.body, account: debtor, statementId: "s").first)

            let query = try adapter.encodeReceiptQuery(account: debtor, fromDate: today, toDate: today, continuation: nil,
                                                       queryId: "q-r", createdAt: MiddayClock().now())
            let answer = try await Self.post(port, "/", query.bytes, contentType: CMBAdapter.contentType)
            let page = try adapter.decodeReceiptQueryPage(answer.body, account: debtor)
            let receipt = try XCTUnwrap(page.receipts.first { $0.clientReference == "BGI-R-1" })
            XCTAssertEqual(page.receipts.count, 1)
            XCTAssertEqual(receipt.amount, Self.amount)
            XCTAssertEqual(receipt.direction, .debit)
            XCTAssertEqual(receipt.bankSerial, booked.bankReference, "the serial GetTransInfo gives")
            XCTAssertNotNil(receipt.bankSerial)
            XCTAssertEqual(receipt.bookingDate, today)
            XCTAssertEqual(receipt.counterparty.name, "上海示例贸易有限公司")
            XCTAssertEqual(receipt.counterparty.account, "215912345620001")
            XCTAssertEqual(receipt.purpose, "货款")
            XCTAssertEqual(receipt.kind, "HD002013")
            XCTAssertEqual(receipt.receiptNumber?.count, 13)

            // The payee's side: the same booking as a received payment, without our reference.
            let payee = DebtorAccount(id: "sh", bankId: "cmb-sim", number: "215912345620001", bankCode: CMBProfile.bankCode,
                                      name: "上海示例贸易有限公司", currency: Self.cny)
            let credited = try await Self.post(port, "/", try adapter.encodeReceiptQuery(
                account: payee, fromDate: today, toDate: today, continuation: nil, queryId: "q-r2",
                createdAt: MiddayClock().now()).bytes, contentType: CMBAdapter.contentType)
            let incoming = try XCTUnwrap(try adapter.decodeReceiptQueryPage(credited.body, account: payee).receipts.first)
            XCTAssertEqual(incoming.direction, .credit)
            XCTAssertEqual(incoming.counterparty.name, "深圳示例科技有限公司")
            XCTAssertNil(incoming.clientReference)
            XCTAssertEqual(incoming.bankSerial, receipt.bankSerial)

            let images = try await Self.post(port, "/", try adapter.encodeReceiptImageRequest(
                account: debtor, fromDate: today, toDate: today, queryId: "q-i").bytes, contentType: CMBAdapter.contentType)
            XCTAssertEqual(try adapter.decodeReceiptImageAnswer(images.body), "回单图片查询成功!")
        }
    }

    // MARK: - CMB cloud

    func testCMBCloudReceiptOfAnExecutedPaymentAndItsDocument() async throws {
        let debtor = DebtorAccount(id: "sz", bankId: "cmb-cloud-sim", number: "755912345610001", bankCode: CMBProfile.bankCode,
                                   name: "深圳示例科技有限公司", currency: Self.cny)
        try await withService(profile: "cmb-cloud") { port, data in
            let keys = try CMBCloudKeyMaterial.loadOrCreate(directory: data + "/cmb-cloud", now: MiddayClock().now())
            let clientKey = try SigningKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: keys.clientKeyPath))))
            let adapter = try CMBCloudAdapter(userID: CMBCloudProfile.defaultUserID, sm4Key: keys.sm4Key,
                                              bankPublicKey: keys.bankKey.verifyingKey, branchCodes: ["755912345610001": "75"])
            func send(_ message: EncodedMessage) async throws -> [UInt8] {
                let signature = try clientKey.signature(for: try adapter.signable(message).bytes,
                                                        scheme: .sm2SM3(userID: adapter.sm2UserID))
                let sealed = try adapter.seal(message, signature: signature, at: MiddayClock().now())
                return try await Self.post(port, "/cdcserver/api/v2", sealed.bytes, contentType: sealed.contentType).body
            }
            let paid = try await send(try adapter.encodePayment(Self.payment("BGI-R-2", debtor: debtor, creditor: "215912345620001")))
            XCTAssertEqual(try adapter.decodePaymentAnswer(paid, sentMessageId: "M").groupOutcome?.status, .completed)
            let today = MiddayClock().today

            let page = try adapter.decodeReceiptQueryPage(try await send(try adapter.encodeReceiptQuery(
                account: debtor, fromDate: today, toDate: today, continuation: nil, queryId: "q-r", createdAt: MiddayClock().now())),
                account: debtor)
            let receipt = try XCTUnwrap(page.receipts.first { $0.clientReference == "BGI-R-2" })
            XCTAssertEqual(receipt.amount, Self.amount)
            XCTAssertEqual(receipt.direction, .debit)
            let serial = try XCTUnwrap(receipt.bankSerial)
            XCTAssertTrue(serial.hasPrefix("SIM"))
            XCTAssertEqual(receipt.counterparty.name, "上海示例贸易有限公司")

            let request = try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(for: receipt, account: debtor, queryId: "q-d",
                                                                                 createdAt: MiddayClock().now()))
            let document = try adapter.decodeReceiptDocument(try await send(request))
            XCTAssertEqual(document.contentType, "text/plain; charset=utf-8")
            let text = String(decoding: document.bytes, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix(SimulatedReceiptDocument.title), text)
            XCTAssertTrue(text.contains("refnbr: " + serial), text)
            XCTAssertTrue(text.contains("yurref: BGI-R-2"), text)
            XCTAssertTrue(text.contains("rpynam: 上海示例贸易有限公司"), text)

            // A serial the bank never gave: a business refusal, not a document.
            var unknown = receipt
            unknown.documentKey = today.replacingOccurrences(of: "-", with: "") + "|SIM999999"
            let missing = try await send(try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(
                for: unknown, account: debtor, queryId: "q-x", createdAt: MiddayClock().now())))
            XCTAssertThrowsError(try adapter.decodeReceiptDocument(missing)) { error in
                XCTAssertTrue((error as? AdapterError)?.message.contains("SIMNREC") == true)
            }
        }
    }

    // MARK: - ICBC

    func testICBCReceiptOfAnExecutedPaymentAndItsDocument() async throws {
        let adapter = ICBCAdapter(groupCIS: ICBCProfile.defaultGroupCIS, certificateId: ICBCProfile.defaultCertificateId)
        let debtor = DebtorAccount(id: "bj", bankId: "icbc-sim", number: "0200001009200012345", bankCode: ICBCProfile.bankCode,
                                   name: "北京示例科技有限公司", currency: Self.cny)
        try await withService(profile: "icbc") { port, _ in
            func send(_ message: EncodedMessage) async throws -> [UInt8] {
                var signature: [UInt8]?
                if adapter.needsSignature(message) {
                    let sign = ICBCAdapter.signRequest(message)
                    let signed = try await Self.post(port, "/sign", sign.body, contentType: sign.contentType)
                    signature = try ICBCAdapter.readSignature(signed.body)
                }
                let form = try adapter.envelope(message, sendTime: MiddayClock().now(), signature: signature)
                return try await Self.post(port, ICBCProfile.servletPath + "?" + form.query, form.body,
                                           contentType: ICBCAdapter.contentType).body
            }
            let paid = try await send(try adapter.encodePayment(Self.payment("BGI-R-3", debtor: debtor, creditor: "1001234509000067890")))
            guard case .outcomes(let outcomes) = adapter.decodePaymentAnswer(paid) else { return XCTFail("no outcomes") }
            XCTAssertEqual(outcomes.map(\.status), [.completed])
            let today = MiddayClock().today

            let page = try adapter.decodeReceiptQueryPage(try await send(try adapter.encodeReceiptQuery(
                account: debtor, fromDate: today, toDate: today, continuation: nil, queryId: "BGQ-R-1", createdAt: MiddayClock().now())),
                account: debtor)
            let receipt = try XCTUnwrap(page.receipts.first { $0.clientReference == "BGI-R-3" })
            XCTAssertEqual(receipt.amount, Self.amount)
            XCTAssertEqual(receipt.direction, .debit)
            let serial = try XCTUnwrap(receipt.bankSerial)
            XCTAssertTrue(serial.hasPrefix("SIM"))
            XCTAssertEqual(receipt.counterparty.name, "上海示例贸易有限公司")
            let key = try XCTUnwrap(receipt.documentKey)

            let request = try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(for: receipt, account: debtor, queryId: "BGQ-R-2",
                                                                                 createdAt: MiddayClock().now()))
            let document = try adapter.decodeReceiptDocument(try await send(request))
            XCTAssertEqual(document.contentType, "text/plain; charset=utf-8")
            let text = String(decoding: document.bytes, as: UTF8.self)
            XCTAssertTrue(text.contains("receipt: " + key), text)
            XCTAssertTrue(text.contains("OnlySequence: " + serial), text)
            XCTAssertTrue(text.contains("Ref: BGI-R-3"), text)
            XCTAssertTrue(text.contains("DebitAmount: 123456"), text)

            var other = receipt
            other.documentKey = "0200|0600|99999|999999999999"
            let missing = try await send(try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(
                for: other, account: debtor, queryId: "BGQ-R-3", createdAt: MiddayClock().now())))
            XCTAssertThrowsError(try adapter.decodeReceiptDocument(missing)) { error in
                XCTAssertTrue((error as? AdapterError)?.message.contains("B0116") == true)
            }
        }
    }

    // MARK: - ISO 20022 (camt.054)

    func testISO20022ReceiptsAreTheDaysCamt054Notifications() async throws {
        let adapter = ISO20022Adapter(painVersion: .v09)
        let eur = Currency(code: "EUR")!
        let debtor = DebtorAccount(id: "eur", bankId: "sim-iso", number: "FR7630006000011234567890189", bankCode: "AGRIFRPPXXX",
                                   name: "ACME SAS", currency: eur)
        try await withService(profile: "iso20022") { port, _ in
            let message = PaymentMessage(
                messageId: "MSG-R-1", paymentInfoId: "MSG-R-1-1", createdAt: MiddayClock().now(), requestedExecutionDate: MiddayClock().today,
                debtor: debtor, initiatingPartyName: debtor.name,
                transfers: [CreditTransfer(paymentId: "p", instructionId: "MSG-R-1-1", endToEndId: "E2E-R-1",
                                           amount: Money(minorUnits: 123_456, currency: eur),
                                           creditor: Party(name: "Muster GmbH", account: "DE89370400440532013000", bankCode: "COBADEFFXXX"),
                                           remittanceInfo: "INV 2026 42")])
            let paid = try await Self.post(port, "/payments", try adapter.encodePayment(message).bytes, contentType: "application/xml")
            XCTAssertEqual(paid.status, 200)
            let today = MiddayClock().today

            let query = try adapter.encodeReceiptQuery(account: debtor, fromDate: today, toDate: today, continuation: nil,
                                                       queryId: "RCPT-Q-1", createdAt: MiddayClock().now())
            XCTAssertNotNil(query.bytes.firstRange(of: Array("<ReqdMsgNmId>camt.054.001.08</ReqdMsgNmId>".utf8)))
            let answer = try await Self.post(port, "/reports", query.bytes, contentType: "application/xml")
            XCTAssertEqual(answer.status, 200)
            XCTAssertNotNil(answer.body.firstRange(of: Array("BkToCstmrDbtCdtNtfctn".utf8)))
            XCTAssertNil(answer.body.firstRange(of: Array("<Bal>".utf8)), "a notification has no balances")
            if let xsd = BankCodecTests.schemaPath("camt.054.001.08.xsd") {
                XCTAssertEqual(try XMLSchemaValidator(xsdPath: xsd).validate(answer.body), [], "valid camt.054.001.08")
            }
            let page = try adapter.decodeReceiptQueryPage(answer.body, account: debtor)
            let receipt = try XCTUnwrap(page.receipts.first { $0.clientReference == "MSG-R-1-1" }, "\(page.receipts)")
            XCTAssertEqual(receipt.extraFields["EndToEndId"], "E2E-R-1")
            XCTAssertEqual(receipt.amount, Money(minorUnits: 123_456, currency: eur))
            XCTAssertEqual(receipt.direction, .debit)
            XCTAssertEqual(receipt.bookingDate, today)
            // The simulator's ledger keeps the creditor's account, not its name or the remittance text.
            XCTAssertEqual(receipt.counterparty.account, "DE89370400440532013000")
            XCTAssertEqual(receipt.kind, "Debit notification (PMNT/ICDT/ESCT)")

            // The same bank serial as the day's statement gives for the entry.
            let statementRequest = try adapter.encodeReportRequest(account: debtor, kind: .endOfDay, messageName: "camt.053.001.08",
                                                                   fromDate: today, toDate: today, requestId: "STMT-Q-1",
                                                                   createdAt: MiddayClock().now())
            let statement = try await Self.post(port, "/reports", statementRequest.bytes, contentType: "application/xml")
            XCTAssertNotNil(receipt.bankSerial)
            XCTAssertNotNil(statement.body.firstRange(of: Array("<AcctSvcrRef>\(receipt.bankSerial ?? "-")</AcctSvcrRef>".utf8)))

            // A statement is not a notification: refused, not read as receipts.
            XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(statement.body, account: debtor))
            // Another account's notification is refused.
            var other = debtor
            other.number = "DE89370400440532013000"
            XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(answer.body, account: other))
            XCTAssertEqual(try adapter.decodeReceiptQueryPage([], account: debtor).receipts, [], "204: nothing booked")
        }
    }
}
