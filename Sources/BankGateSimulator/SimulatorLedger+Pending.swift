import BankGateCore
import BankGateStore
import BankGateXML
import Logging

/// Messages received for a later execution date (ISO 20022 `ReqdExctnDt`): answered `PDNG` and
/// kept, as received, until the simulator's clock reaches their day (UTC), then executed.
extension SimulatorLedger {
    static let pendingMigration = Migration(name: "sim-003-pending-executions", sql: """
        CREATE TABLE pending_executions (
            msg_id         TEXT PRIMARY KEY REFERENCES received_messages (msg_id),
            execution_date TEXT NOT NULL,
            bytes          BLOB NOT NULL
        );
        CREATE INDEX pending_executions_by_date ON pending_executions (execution_date);
        """)

    static func recordPending(messageId: String, executionDate: CalendarDay, bytes: [UInt8], on db: StoreConnection) throws {
        try db.run("INSERT INTO pending_executions (msg_id, execution_date, bytes) VALUES (?, ?, ?)",
                   [.text(messageId), .text(executionDate.description), .blob(bytes)])
    }

    static func removePending(messageId: String, on db: StoreConnection) throws {
        try db.run("DELETE FROM pending_executions WHERE msg_id = ?", [.text(messageId)])
    }

    /// The messages due on or before `today`, as received, the oldest day first.
    static func duePending(today: CalendarDay, on db: StoreConnection) throws -> [[UInt8]] {
        try db.query("SELECT bytes FROM pending_executions WHERE execution_date <= ? ORDER BY execution_date, msg_id",
                     [.text(today.description)]) { try $0.blob("bytes") }
    }
}

extension SimulatedBank {
    /// Executes the messages whose requested execution date has come (by the simulator's clock, in
    /// UTC): their transfers are booked and their stored answers become final reports. Runs before
    /// every payment, status query and ledger view.
    public func executeDuePayments() async {
        let now = clock.now()
        let accountsListed = self.accountsListed
        let reportId = nextReportId(now)
        do {
            let executed = try await database.write { db -> Int in
                var executed = 0
                for bytes in try SimulatorLedger.duePending(today: CalendarDay(now), on: db) {
                    guard let root = try? HardenedXML.parse(bytes, maxBytes: ISO20022BankCodec.maxMessageBytes) else { continue }
                    let initiation = try ISO20022BankCodec.readPaymentInitiation(root)
                    var execution = PaymentExecution(db: db, accountsListed: accountsListed, executedAt: now)
                    executed += try ISO20022Execution.executePending(initiation, reportId: reportId, on: &execution)
                }
                return executed
            }
            if executed > 0 { logger.info("pending messages executed on their date", metadata: ["executed": "\(executed)"]) }
        } catch {
            logger.error("bank simulator could not execute pending messages", metadata: ["error": "\(error)"])
        }
    }
}
