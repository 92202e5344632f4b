import BankGateConfig
import BankGateCore
import BankGateStore

extension ReceiptDesk {
    /// The receipt execution report of `accountId` for `date`, as of now.
    /// - Throws: `not_found` for an account whose bank gives no receipts, `invalid_date`.
    public func report(accountId: String, date: String) async throws(GatewayError) -> ReceiptReport {
        guard Timestamp.parseDate(date) != nil else {
            throw GatewayError(.validation, code: .invalidDate, message: "date must be a date as YYYY-MM-DD", field: "date")
        }
        guard let target = pulls.targets[accountId] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id whose bank gives electronic receipts")
        }
        let now = pulls.clock.now()
        do {
            let items = try await store.expectations(accountId: accountId, fromDate: date, toDate: date, unlinkedOnly: false,
                                                     bookingDayOffsets: pulls.bookingDayOffsets)
            let runs = try await store.pulls(accountId: accountId, fromDate: date, toDate: date)
            var received: [ReceiptRecord] = []
            var cursor: String?
            repeat {
                let page = try await store.receipts(ReceiptFilter(accountId: accountId, fromDate: date, toDate: date), after: cursor, limit: 500)
                received += page
                cursor = page.count == 500 ? page.last?.id : nil
            } while cursor != nil
            let missingAfter = target.schedule.missingAfterMilliseconds
            return ReceiptReport(accountId: accountId, date: date, generatedAt: now,
                                 expected: items.map { ReceiptReport.status(of: $0, pulls: runs, missingAfter: missingAfter, now: now) },
                                 received: received, pulls: runs)
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// Payments and transactions without a receipt, of `accountId` (else of every account whose
    /// bank gives receipts), booked `fromDate…toDate`: each pending or missing, with its reason
    /// and its day's last pull. Oldest first, at most `limit`.
    public func missing(accountId: String?, fromDate: String, toDate: String, limit: Int = 1_000) async throws(GatewayError) -> [ReceiptItemStatus] {
        if let accountId, pulls.targets[accountId] == nil {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id whose bank gives electronic receipts")
        }
        guard fromDate <= toDate else {
            throw GatewayError(.validation, code: .invalidDate, message: "from must not be after to", field: "from")
        }
        let now = pulls.clock.now()
        do {
            let items = try await store.expectations(accountId: accountId, fromDate: fromDate, toDate: toDate, unlinkedOnly: true,
                                                     bookingDayOffsets: pulls.bookingDayOffsets, limit: limit)
            var runs: [String: [String: [ReceiptPullRun]]] = [:]
            var statuses: [ReceiptItemStatus] = []
            for item in items {
                guard let target = pulls.targets[item.accountId] else { continue }
                if runs[item.accountId] == nil {
                    let all = try await store.pulls(accountId: item.accountId, fromDate: fromDate, toDate: toDate)
                    runs[item.accountId] = Dictionary(grouping: all, by: \.bookingDate)
                }
                statuses.append(ReceiptReport.status(of: item, pulls: runs[item.accountId]?[item.bookingDate] ?? [],
                                                     missingAfter: target.schedule.missingAfterMilliseconds, now: now))
            }
            return Array(statuses.sorted { ($0.item.since, $0.item.id) < ($1.item.since, $1.item.id) }.prefix(limit))
        } catch {
            throw GatewayError(storeError: error)
        }
    }
}
