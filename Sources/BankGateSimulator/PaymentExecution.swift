import BankGateCore
import BankGateStore

/// One transfer as the ledger sees it, whatever format it came in: the profile reads its request into
/// these, and gets back, per transfer, the booked amount or the ledger's reason for refusing it.
struct LedgerInstruction: Hashable, Sendable {
    /// The key its answer is stored under (ISO 20022: the message's `MsgId`; CMB: the transfer's `YURREF`).
    /// The row of ``LedgerTransfer/messageId``; it must have been recorded (``PaymentExecution/record(key:status:answer:)``)
    /// before ``PaymentExecution/commit()``.
    var key: String
    /// `LedgerTransfer.paymentInformationId` (ISO 20022: `PmtInfId`; CMB: the bank's `REQNBR`).
    var paymentInformationId: String
    /// `LedgerTransfer.instructionId`.
    var instructionId: String?
    /// The client's reference shown as `end_to_end_id` in `GET /sim/ledger` (ISO 20022: `EndToEndId`; CMB: `YURREF`).
    var endToEndId: String
    /// The debited account as sent.
    var debtorAccount: String?
    /// The currency a debtor account opened on first use gets.
    var openingCurrency: Currency?
    /// The amount, or why it cannot be executed.
    var amount: Result<Money, TransferRejection>
    /// The credited account as sent.
    var creditorAccount: String?
}

/// The ledger work of one received request, profile-independent, on a connection inside one write
/// transaction: the duplicate check on the profile's key, the rules per transfer (``AccountBook``), the
/// answer stored per key, and the executed transfers and balances written at the end. The profile reads
/// the request and writes the answer; this decides what happens to the money.
struct PaymentExecution {
    /// Balance given to a debtor account opened on first use: 1,000,000,000 major units.
    static let openingBalanceMajorUnits: Int64 = 1_000_000_000

    let db: StoreConnection
    /// When the request was received: the execution time of its transfers.
    let executedAt: Timestamp
    private var book: AccountBook
    private var executed: [LedgerTransfer] = []

    /// - Parameter accountsListed: whether an accounts file was given: then unknown debtor accounts are
    ///   rejected (AC01) instead of being opened on first use.
    init(db: StoreConnection, accountsListed: Bool, executedAt: Timestamp) {
        self.db = db
        self.executedAt = executedAt
        book = AccountBook(db: db, accountsListed: accountsListed)
    }

    /// The answer stored under `key`, or `nil` when the bank never received it (the duplicate check).
    func storedAnswer(key: String) throws -> [UInt8]? {
        try SimulatorLedger.storedAnswer(messageId: key, on: db)
    }

    /// Applies the rules to one transfer and books it when it passes (balances are written by ``commit()``).
    mutating func execute(_ instruction: LedgerInstruction) throws -> Result<Money, TransferRejection> {
        let result = try book.apply(amount: instruction.amount, debtor: instruction.debtorAccount,
                                    creditor: instruction.creditorAccount, openingCurrency: instruction.openingCurrency)
        if case .success(let amount) = result {
            executed.append(LedgerTransfer(
                messageId: instruction.key, paymentInformationId: instruction.paymentInformationId,
                instructionId: instruction.instructionId, endToEndId: instruction.endToEndId,
                debtorAccount: instruction.debtorAccount ?? "", creditorAccount: instruction.creditorAccount ?? "",
                amount: amount, executedAt: executedAt))
        }
        return result
    }

    /// Stores `answer` under `key` (a later request with the same key is a duplicate) and returns the
    /// record's sequence number, unique in the ledger (CMB uses it as its process number `REQNBR`).
    @discardableResult
    mutating func record(key: String, status: String, answer: [UInt8]) throws -> Int64 {
        try SimulatorLedger.recordMessage(messageId: key, receivedAt: executedAt, groupStatus: status, answer: answer, on: db)
        return try SimulatorLedger.sequence(messageId: key, on: db) ?? 0
    }

    /// Replaces the status and answer stored under `key` (when the answer names the record's own
    /// sequence number, or the outcome is known only after ``record(key:status:answer:)``).
    func replaceAnswer(key: String, status: String, answer: [UInt8]) throws {
        try SimulatorLedger.replaceAnswer(messageId: key, status: status, answer: answer, on: db)
    }

    /// Writes the executed transfers and every changed balance; their keys must have been recorded.
    /// Returns how many transfers were executed.
    @discardableResult
    func commit() throws -> Int {
        for transfer in executed { try SimulatorLedger.recordTransfer(transfer, on: db) }
        try book.flush()
        return executed.count
    }
}

/// The accounts touched by one request, loaded on first use and written back at the end.
struct AccountBook {
    let db: StoreConnection
    let accountsListed: Bool
    private var cache: [String: SimulatedAccount?] = [:]
    private var changed: Set<String> = []

    init(db: StoreConnection, accountsListed: Bool) {
        self.db = db
        self.accountsListed = accountsListed
    }

    /// Checks one transfer against the rules, in order, and books it when it passes.
    mutating func apply(amount requested: Result<Money, TransferRejection>, debtor number: String?,
                        creditor creditorNumber: String?, openingCurrency: Currency?) throws -> Result<Money, TransferRejection> {
        let amount: Money
        switch requested {
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
        guard let creditorNumber, AccountNumberSyntax.isValid(creditorNumber) else {
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
