public import BankGateCore
import BankGateStore

/// A transfer the simulated bank executed, as its ledger holds it.
public struct LedgerTransfer: Hashable, Sendable {
    /// `MsgId` of the pain.001 it came in.
    public var messageId: String
    /// `PmtInfId` of its block.
    public var paymentInformationId: String
    /// `InstrId`, when the message had one.
    public var instructionId: String?
    /// `EndToEndId`.
    public var endToEndId: String
    /// The debited account.
    public var debtorAccount: String
    /// The creditor account as given in the message.
    public var creditorAccount: String
    /// The amount in the debtor account's currency.
    public var amount: Money
    /// When the bank received and executed the message.
    public var executedAt: Timestamp

    public init(messageId: String, paymentInformationId: String, instructionId: String?, endToEndId: String,
                debtorAccount: String, creditorAccount: String, amount: Money, executedAt: Timestamp) {
        self.messageId = messageId
        self.paymentInformationId = paymentInformationId
        self.instructionId = instructionId
        self.endToEndId = endToEndId
        self.debtorAccount = debtorAccount
        self.creditorAccount = creditorAccount
        self.amount = amount
        self.executedAt = executedAt
    }
}

/// The simulator's durable ledger in SQLite: schema and the statements on it. Every value is bound.
enum SimulatorLedger {
    /// Append-only migrations of `sim.sqlite`.
    static let migrations = [
        Migration(name: "sim-001-ledger", sql: """
            CREATE TABLE accounts (
                number   TEXT PRIMARY KEY,
                currency TEXT NOT NULL,
                balance  INTEGER NOT NULL,
                status   TEXT NOT NULL CHECK (status IN ('open', 'closed', 'blocked'))
            );
            CREATE TABLE received_messages (
                msg_id       TEXT PRIMARY KEY,
                received_at  INTEGER NOT NULL,
                group_status TEXT NOT NULL,
                answer       BLOB NOT NULL
            );
            CREATE TABLE executed_transfers (
                id               INTEGER PRIMARY KEY,
                msg_id           TEXT NOT NULL REFERENCES received_messages (msg_id),
                pmt_inf_id       TEXT NOT NULL,
                instr_id         TEXT,
                end_to_end_id    TEXT NOT NULL,
                debtor_account   TEXT NOT NULL,
                creditor_account TEXT NOT NULL,
                amount           INTEGER NOT NULL,
                currency         TEXT NOT NULL,
                executed_at      INTEGER NOT NULL
            );
            CREATE INDEX executed_transfers_by_msg ON executed_transfers (msg_id);
            """),
        statementsMigration,
        pendingMigration,
    ]

    /// Inserts or replaces the accounts of an accounts file (balance and status are reset to the file's).
    static func upsert(_ accounts: [SimulatedAccount], on db: StoreConnection) throws {
        for account in accounts {
            try db.run("""
                INSERT INTO accounts (number, currency, balance, status) VALUES (?, ?, ?, ?)
                ON CONFLICT (number) DO UPDATE SET currency = excluded.currency, balance = excluded.balance,
                    status = excluded.status
                """, [.text(account.number), .text(account.currency.code),
                      .integer(account.balance.minorUnits), .text(account.status.rawValue)])
        }
    }

    /// Inserts the accounts the ledger does not have yet; those it has keep their balance and status.
    static func insertMissing(_ accounts: [SimulatedAccount], on db: StoreConnection) throws {
        for account in accounts {
            try db.run("INSERT INTO accounts (number, currency, balance, status) VALUES (?, ?, ?, ?) ON CONFLICT (number) DO NOTHING",
                       [.text(account.number), .text(account.currency.code),
                        .integer(account.balance.minorUnits), .text(account.status.rawValue)])
        }
    }

    /// The account with `number`, or `nil`.
    static func account(_ number: String, on db: StoreConnection) throws -> SimulatedAccount? {
        try db.queryFirst("SELECT number, currency, balance, status FROM accounts WHERE number = ?",
                          [.text(number)], accountRow) ?? nil
    }

    /// Every account, ordered by number.
    static func allAccounts(on db: StoreConnection) throws -> [SimulatedAccount] {
        try db.query("SELECT number, currency, balance, status FROM accounts ORDER BY number", [], accountRow)
            .compactMap { $0 }
    }

    /// Writes an account's balance and status (inserting it when new).
    static func save(_ account: SimulatedAccount, on db: StoreConnection) throws {
        try upsert([account], on: db)
    }

    /// The stored status report of a received message, or `nil` when `messageId` was never received.
    static func storedAnswer(messageId: String, on db: StoreConnection) throws -> [UInt8]? {
        try db.queryFirst("SELECT answer FROM received_messages WHERE msg_id = ?", [.text(messageId)]) { try $0.blob("answer") }
    }

    /// Records a received message with the status report that answered it.
    static func recordMessage(messageId: String, receivedAt: Timestamp, groupStatus: String, answer: [UInt8],
                              on db: StoreConnection) throws {
        try db.run("INSERT INTO received_messages (msg_id, received_at, group_status, answer) VALUES (?, ?, ?, ?)",
                   [.text(messageId), .integer(receivedAt.milliseconds), .text(groupStatus), .blob(answer)])
    }

    /// The ledger-wide sequence number of a received message's record (its row id), or `nil`.
    static func sequence(messageId: String, on db: StoreConnection) throws -> Int64? {
        try db.queryFirst("SELECT rowid AS seq FROM received_messages WHERE msg_id = ?", [.text(messageId)]) { try $0.int("seq") }
    }

    /// A received message's record by its sequence number: its key, receipt time and stored answer.
    static func receivedMessage(sequence: Int64, on db: StoreConnection) throws
        -> (messageId: String, receivedAt: Timestamp, answer: [UInt8])? {
        try db.queryFirst("SELECT msg_id, received_at, answer FROM received_messages WHERE rowid = ?", [.integer(sequence)]) {
            try ($0.text("msg_id"), Timestamp(milliseconds: $0.int("received_at")), $0.blob("answer"))
        }
    }

    /// A received message's record by its key: its receipt time and stored answer.
    static func receivedMessage(messageId: String, on db: StoreConnection) throws -> (receivedAt: Timestamp, answer: [UInt8])? {
        try db.queryFirst("SELECT received_at, answer FROM received_messages WHERE msg_id = ?", [.text(messageId)]) {
            try (Timestamp(milliseconds: $0.int("received_at")), $0.blob("answer"))
        }
    }

    /// Replaces the status and stored answer of a received message.
    static func replaceAnswer(messageId: String, status: String, answer: [UInt8], on db: StoreConnection) throws {
        try db.run("UPDATE received_messages SET group_status = ?, answer = ? WHERE msg_id = ?",
                   [.text(status), .blob(answer), .text(messageId)])
    }

    /// Records `profile` as the ledger's profile unless it has one, and returns the one it has (a ledger
    /// from before profiles is an ISO 20022 ledger).
    static func claim(profile: String, on db: StoreConnection) throws -> String {
        let existing = try db.queryFirst("SELECT COUNT(*) AS n FROM received_messages", []) { try $0.int("n") } ?? 0
        let first = existing > 0 ? ISO20022Profile.profileName : profile
        try db.run("INSERT OR IGNORE INTO sim_meta (key, value) VALUES ('profile', ?)", [.text(first)])
        return try db.queryFirst("SELECT value FROM sim_meta WHERE key = 'profile'", []) { try $0.text("value") } ?? first
    }

    /// Records an executed transfer.
    static func recordTransfer(_ transfer: LedgerTransfer, on db: StoreConnection) throws {
        try db.run("""
            INSERT INTO executed_transfers (msg_id, pmt_inf_id, instr_id, end_to_end_id, debtor_account,
                creditor_account, amount, currency, executed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(transfer.messageId), .text(transfer.paymentInformationId),
                  transfer.instructionId.map(SQLValue.text) ?? .null, .text(transfer.endToEndId),
                  .text(transfer.debtorAccount), .text(transfer.creditorAccount),
                  .integer(transfer.amount.minorUnits), .text(transfer.amount.currency.code),
                  .integer(transfer.executedAt.milliseconds)])
    }

    /// Executed transfers in execution order, optionally of one message only.
    static func transfers(messageId: String?, on db: StoreConnection) throws -> [LedgerTransfer] {
        let columns = """
            SELECT msg_id, pmt_inf_id, instr_id, end_to_end_id, debtor_account, creditor_account, amount,
                currency, executed_at FROM executed_transfers
            """
        let rows: [LedgerTransfer?]
        if let messageId {
            rows = try db.query(columns + " WHERE msg_id = ? ORDER BY id", [.text(messageId)], transferRow)
        } else {
            rows = try db.query(columns + " ORDER BY id", [], transferRow)
        }
        return rows.compactMap { $0 }
    }

    private static func accountRow(_ row: StoreRow) throws -> SimulatedAccount? {
        guard let currency = try Currency(code: row.text("currency")),
              let status = try AccountStatus(rawValue: row.text("status")) else { return nil }
        return try SimulatedAccount(number: row.text("number"),
                                    balance: Money(minorUnits: row.int("balance"), currency: currency), status: status)
    }

    private static func transferRow(_ row: StoreRow) throws -> LedgerTransfer? {
        guard let currency = try Currency(code: row.text("currency")) else { return nil }
        return try LedgerTransfer(
            messageId: row.text("msg_id"), paymentInformationId: row.text("pmt_inf_id"),
            instructionId: row.optionalText("instr_id"), endToEndId: row.text("end_to_end_id"),
            debtorAccount: row.text("debtor_account"), creditorAccount: row.text("creditor_account"),
            amount: Money(minorUnits: row.int("amount"), currency: currency),
            executedAt: Timestamp(milliseconds: row.int("executed_at")))
    }
}
