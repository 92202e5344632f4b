import BankGateAdapters
import BankGateCore

extension FuzzTargets {
    /// pain.002 status reports through the ISO 20022 adapter (``ISO20022Adapter/decodeStatusReport(_:)``),
    /// plus its disposition and status query reading of the same bytes.
    static let pain002 = bankAnswers(name: "pain002", summary: "pain.002 status reports (ISO 20022 adapter)",
                                     adapter: ISO20022Adapter(painVersion: .v09),
                                     account: account("iso", number: "DE89370400440532013000", currency: "EUR")) { adapter, bytes in
        _ = try adapter.decodeStatusReport(bytes)
    }

    /// CMB's XML answers: payment, status query, balances, transactions, receipts.
    static let cmb = bankAnswers(name: "cmb", summary: "CMB answers (CMBAnswer and the adapter's readers)",
                                 adapter: CMBAdapter(loginName: "BANKGATE01", branchCodes: ["755912345610001": "75"]),
                                 account: account("cmb", number: "755912345610001")) { adapter, bytes in
        _ = try adapter.decodePaymentAnswer(bytes, sentMessageId: messageId)
    }

    /// ICBC's XML answers.
    static let icbc = bankAnswers(name: "icbc", summary: "ICBC answers (ICBCAnswer and the adapter's readers)",
                                  adapter: ICBCAdapter(groupCIS: "020090001234567", certificateId: "bankgate.y.0200"),
                                  account: account("icbc", number: "0200001234567890123")) { adapter, bytes in
        _ = try adapter.decodePaymentAnswer(bytes, sentMessageId: messageId)
    }

    /// ABC's framed answers (7-byte header, GBK XML).
    static let abc = bankAnswers(name: "abc", summary: "ABC framed answers (ABCAnswer and the adapter's readers)",
                                 adapter: ABCAdapter(corporateNumber: "1101020304050607", operatorNumber: "0001",
                                                     provinceCodes: ["110101040012345": "11"]),
                                 account: account("abc", number: "110101040012345")) { adapter, bytes in
        _ = adapter.isCompleteAnswer(bytes)
        _ = try adapter.decodePaymentAnswer(bytes, sentMessageId: messageId)
    }

    /// BOC's XML answers, with its sign-in answer.
    static let boc = bankAnswers(name: "boc", summary: "BOC answers (BOCAnswer and the adapter's readers)",
                                 adapter: BOCAdapter(terminalId: "E127000000001", customerId: "12345678", operatorId: "10000001",
                                                     branchNumbers: ["456776543210": "40600"]),
                                 account: account("boc", number: "456776543210")) { adapter, bytes in
        _ = adapter.requiresSignIn(bytes)
        _ = try? adapter.decodeSignInAnswer(bytes)
        _ = try adapter.decodePaymentAnswer(bytes, sentMessageId: messageId)
    }

    /// CCB's XML answers.
    static let ccb = bankAnswers(name: "ccb", summary: "CCB answers (CCBAnswer and the adapter's readers)",
                                 adapter: CCBAdapter(customerId: "SZP000012345#001", operatorId: "WLPT01", password: "fuzz"),
                                 account: account("ccb", number: "44201501100052512345")) { adapter, bytes in
        _ = try adapter.decodePaymentAnswer(bytes, sentMessageId: messageId)
    }

    static let messageId = "BGM20261123000001"
    static let createdAt = Timestamp(milliseconds: 1_795_424_400_000)

    /// A configured account of `bank`.
    static func account(_ bank: String, number: String, currency: String = "CNY") -> DebtorAccount {
        DebtorAccount(id: "acc-\(bank)", bankId: bank, number: number, bankCode: "000000000000", name: "示例科技有限公司",
                      currency: Currency(code: currency)!)
    }

    /// A target reading the bytes as every answer `adapter` reads: `primary` (whose result is the
    /// outcome), then the disposition, the status query answer, and the account and receipt
    /// queries' answers where the adapter has them.
    static func bankAnswers<Adapter: BankAdapter>(name: String, summary: String, adapter: Adapter, account: DebtorAccount,
                                                  primary: @escaping @Sendable (Adapter, [UInt8]) throws -> Void) -> FuzzTarget {
        let query = StatusQuery(originalMessageId: messageId, originalKind: adapter.paymentMessageKind, queryId: "BGQ1",
                                createdAt: createdAt, firstSentAt: createdAt, debtor: account,
                                transfers: [SentTransfer(instructionId: "BGI20261123000001", endToEndId: "E2E-1")])
        return FuzzTarget(name: name, summary: summary) { bytes in
            let outcome = FuzzTarget.outcome { try primary(adapter, bytes) }
            _ = adapter.disposition(httpStatus: 200, body: bytes)
            _ = try? adapter.decodeStatusReport(bytes)
            _ = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: bytes, query: query)
            if let queries = adapter as? any AccountQueryAdapter {
                _ = try? queries.decodeTransactionQueryPage(bytes, account: account, statementId: "fuzz")
                _ = try? queries.decodeBalanceAnswer(bytes, account: account, asOf: "2026-11-23")
            }
            if let receipts = adapter as? any ReceiptQueryAdapter {
                _ = try? receipts.decodeReceiptQueryPage(bytes, account: account)
                _ = try? receipts.decodeReceiptDocument(bytes)
            }
            return outcome
        }
    }
}
