import BankGateCore
import BankGateStore

/// What executing one pain.001 did.
enum ExecutionResult: Hashable, Sendable {
    /// The message was new: its transfers were executed or rejected, and `answer` was stored with it.
    case processed(answer: [UInt8], groupStatus: String, executed: Int, rejected: Int)
    /// The `MsgId` had been received before: nothing was done.
    case duplicate
}

/// The simulated bank's rules, applied inside one write transaction so that a message's transfers,
/// balance changes and message record are committed together or not at all.
enum PaymentExecution {
    /// The facts an execution needs besides the message.
    struct Context: Sendable {
        /// Whether an accounts file was given: then unknown debtor accounts are rejected (AC01)
        /// instead of being opened on first use.
        var accountsListed: Bool
        /// The receipt time, used as execution time and in the report.
        var receivedAt: Timestamp
        /// `MsgId` of the status report.
        var reportId: String
    }

    /// Balance given to a debtor account opened on first use: 1,000,000,000 major units.
    static let openingBalanceMajorUnits: Int64 = 1_000_000_000

    /// Executes `initiation` on `db`; the caller runs this in a write transaction.
    static func run(_ initiation: PaymentInitiation, context: Context, on db: SQLiteConnection) throws -> ExecutionResult {
        if try SimulatorLedger.storedAnswer(messageId: initiation.messageId, on: db) != nil { return .duplicate }
        if let problem = initiation.groupProblem {
            let answer = ISO20022BankCodec.groupRejection(
                reportId: context.reportId, createdAt: context.receivedAt, originalMessageId: initiation.messageId,
                originalMessageNameId: initiation.messageNameId, reason: StatusReason(code: "FF01", text: problem))
            try SimulatorLedger.recordMessage(messageId: initiation.messageId, receivedAt: context.receivedAt,
                                              groupStatus: "RJCT", answer: answer, on: db)
            return .processed(answer: answer, groupStatus: "RJCT", executed: 0, rejected: initiation.allTransfers.count)
        }
        var book = AccountBook(db: db, accountsListed: context.accountsListed)
        var executed: [LedgerTransfer] = []
        var lines: [PaymentInformationStatusLine] = []
        for info in initiation.paymentInformations {
            let openingCurrency = info.debtorAccountCurrency.flatMap(Currency.init(code:))
                ?? info.transfers.lazy.compactMap { Currency(code: $0.currencyCode) }.first
            var transferLines: [TransferStatusLine] = []
            for transfer in info.transfers {
                switch try book.apply(transfer, debtor: info.debtorAccount, openingCurrency: openingCurrency) {
                case .success(let amount):
                    executed.append(LedgerTransfer(
                        messageId: initiation.messageId, paymentInformationId: info.id,
                        instructionId: transfer.instructionId, endToEndId: transfer.endToEndId,
                        debtorAccount: info.debtorAccount ?? "", creditorAccount: transfer.creditorAccount ?? "",
                        amount: amount, executedAt: context.receivedAt))
                    transferLines.append(TransferStatusLine(instructionId: transfer.instructionId,
                                                            endToEndId: transfer.endToEndId, status: "ACSC"))
                case .failure(let rejection):
                    transferLines.append(TransferStatusLine(
                        instructionId: transfer.instructionId, endToEndId: transfer.endToEndId, status: "RJCT",
                        reason: StatusReason(code: rejection.code, text: rejection.text)))
                }
            }
            lines.append(PaymentInformationStatusLine(
                paymentInformationId: info.id, status: StatusReportDocument.aggregate(transferLines.map(\.status)),
                transfers: transferLines))
        }
        let allStatuses = lines.flatMap { $0.transfers.map(\.status) }
        let groupStatus = StatusReportDocument.aggregate(allStatuses)
        let answer = ISO20022BankCodec.writeStatusReport(StatusReportDocument(
            reportId: context.reportId, createdAt: context.receivedAt, originalMessageId: initiation.messageId,
            originalMessageNameId: initiation.messageNameId, groupStatus: groupStatus, groupReason: nil,
            paymentInformations: lines))
        try SimulatorLedger.recordMessage(messageId: initiation.messageId, receivedAt: context.receivedAt,
                                          groupStatus: groupStatus, answer: answer, on: db)
        for transfer in executed { try SimulatorLedger.recordTransfer(transfer, on: db) }
        try book.flush()
        return .processed(answer: answer, groupStatus: groupStatus, executed: executed.count,
                          rejected: allStatuses.count - executed.count)
    }
}

/// The accounts touched by one message, loaded on first use and written back at the end.
struct AccountBook {
    let db: SQLiteConnection
    let accountsListed: Bool
    private var cache: [String: SimulatedAccount?] = [:]
    private var changed: Set<String> = []

    init(db: SQLiteConnection, accountsListed: Bool) {
        self.db = db
        self.accountsListed = accountsListed
    }

    /// Checks one transfer against the rules, in order, and books it when it passes.
    mutating func apply(_ transfer: ReceivedTransfer, debtor number: String?,
                        openingCurrency: Currency?) throws -> Result<Money, TransferRejection> {
        let amount: Money
        switch transfer.amount {
        case .success(let value): amount = value
        case .failure(let rejection): return .failure(rejection)
        }
        guard let number, AccountNumberSyntax.isValid(number) else {
            return .failure(TransferRejection(code: "AC01", text: "debtor account number is invalid"))
        }
        var debtor: SimulatedAccount
        if let existing = try lookup(number) {
            debtor = existing
        } else if accountsListed {
            return .failure(TransferRejection(code: "AC01", text: "debtor account unknown at this bank"))
        } else {
            let currency = openingCurrency ?? amount.currency
            debtor = SimulatedAccount(
                number: number,
                balance: Money(minorUnits: PaymentExecution.openingBalanceMajorUnits * Money.scale(currency),
                               currency: currency),
                status: .open)
            store(debtor)
        }
        if let rejection = Self.statusRejection(debtor.status, party: "debtor") { return .failure(rejection) }
        guard debtor.currency == amount.currency else {
            return .failure(TransferRejection(code: "AM03", text: "currency differs from the debtor account's"))
        }
        guard let creditorNumber = transfer.creditorAccount, AccountNumberSyntax.isValid(creditorNumber) else {
            return .failure(TransferRejection(code: "AC01", text: "creditor account number is invalid"))
        }
        let creditor = try lookup(creditorNumber)
        if let creditor, let rejection = Self.statusRejection(creditor.status, party: "creditor") {
            return .failure(rejection)
        }
        guard debtor.balance.minorUnits >= amount.minorUnits else {
            return .failure(TransferRejection(code: "AM04", text: "insufficient funds"))
        }
        debtor.balance = Money(minorUnits: debtor.balance.minorUnits - amount.minorUnits, currency: debtor.currency)
        store(debtor)
        // An on-us creditor in the same currency is credited (a self-transfer reloads the debited row).
        if var creditor = try lookup(creditorNumber), creditor.currency == amount.currency {
            let (credited, overflow) = creditor.balance.minorUnits.addingReportingOverflow(amount.minorUnits)
            if !overflow {
                creditor.balance = Money(minorUnits: credited, currency: creditor.currency)
                store(creditor)
            }
        }
        return .success(amount)
    }

    /// Writes every changed account back.
    func flush() throws {
        for number in changed.sorted() {
            if let account = cache[number] ?? nil { try SimulatorLedger.save(account, on: db) }
        }
    }

    private mutating func lookup(_ number: String) throws -> SimulatedAccount? {
        if let cached = cache[number] { return cached }
        let loaded = try SimulatorLedger.account(number, on: db)
        cache[number] = .some(loaded)
        return loaded
    }

    private mutating func store(_ account: SimulatedAccount) {
        cache[account.number] = .some(account)
        changed.insert(account.number)
    }

    private static func statusRejection(_ status: AccountStatus, party: String) -> TransferRejection? {
        switch status {
        case .open: nil
        case .closed: TransferRejection(code: "AC04", text: "\(party) account closed")
        case .blocked: TransferRejection(code: "AC06", text: "\(party) account blocked")
        }
    }
}

extension Money {
    /// 10 to the power of `currency`'s exponent: minor units per major unit.
    static func scale(_ currency: Currency) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<currency.exponent { result *= 10 }
        return result
    }
}
