import BankGateCore

/// A customer credit transfer initiation (pain.001) as the simulated bank received it.
///
/// Fields keep the text as sent; amounts are turned into ``Money`` per transfer, and a transfer whose
/// amount or currency cannot be read is rejected on its own (see ``ReceivedTransfer/amount``).
struct PaymentInitiation: Hashable, Sendable {
    /// `GrpHdr/MsgId`: the bank's duplicate-check key.
    var messageId: String
    /// The message name the status report refers to (`pain.001.001.09` or `pain.001.001.03`).
    var messageNameId: String
    /// `GrpHdr/NbOfTxs` as sent.
    var declaredNumberOfTransactions: String?
    /// `GrpHdr/CtrlSum` as sent.
    var declaredControlSum: String?
    var paymentInformations: [PaymentInformation]
    /// Missing mandatory elements found while reading; any of them rejects the whole message (FF01).
    var problems: [String]

    /// The latest requested execution date after `today`, when a block asks for one: the message
    /// then waits, whole, until that day (bankgate sends one execution date per message).
    func executionDate(after today: CalendarDay) -> CalendarDay? {
        paymentInformations.compactMap { $0.requestedExecutionDate.flatMap { CalendarDay($0) } }.filter { $0 > today }.max()
    }

    /// All transfers of all payment information blocks, in document order.
    var allTransfers: [ReceivedTransfer] { paymentInformations.flatMap(\.transfers) }

    /// Why the whole message must be rejected with FF01 (missing elements, NbOfTxs or CtrlSum that do
    /// not match the transfers), or `nil` when it is consistent.
    var groupProblem: String? {
        if let first = problems.first { return first }
        if paymentInformations.isEmpty { return "the message has no PmtInf" }
        if let problem = Self.checkTotals(number: declaredNumberOfTransactions, sum: declaredControlSum,
                                          transfers: allTransfers, level: "GrpHdr") {
            return problem
        }
        for info in paymentInformations {
            if let problem = Self.checkTotals(number: info.declaredNumberOfTransactions, sum: info.declaredControlSum,
                                              transfers: info.transfers, level: "PmtInf \(info.id)") {
                return problem
            }
        }
        return nil
    }

    /// Compares a declared `NbOfTxs` and `CtrlSum` with the transfers they announce.
    private static func checkTotals(number: String?, sum: String?, transfers: [ReceivedTransfer],
                                    level: String) -> String? {
        if let number {
            guard let declared = Int(number), declared == transfers.count else {
                return "\(level) NbOfTxs \(number) does not match the \(transfers.count) transfers"
            }
        }
        guard let sum else { return nil }
        guard let declared = DecimalText.scaled(sum, scale: DecimalText.amountScale) else {
            return "\(level) CtrlSum is not a decimal number with at most \(DecimalText.amountScale) significant decimals"
        }
        var total: Int64 = 0
        for transfer in transfers {
            guard let amount = DecimalText.scaled(transfer.amountText, scale: DecimalText.amountScale) else {
                return "\(level) has an InstdAmt that is not a decimal number"
            }
            let (next, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else { return "\(level) amounts are too large to add up" }
            total = next
        }
        return total == declared ? nil : "\(level) CtrlSum does not match the sum of the transfers"
    }
}

/// One `PmtInf`: a debtor account and its transfers.
struct PaymentInformation: Hashable, Sendable {
    /// `PmtInfId`.
    var id: String
    /// `PmtInf/NbOfTxs` as sent.
    var declaredNumberOfTransactions: String?
    /// `PmtInf/CtrlSum` as sent.
    var declaredControlSum: String?
    /// `DbtrAcct/Id/IBAN` or `DbtrAcct/Id/Othr/Id`.
    var debtorAccount: String?
    /// `DbtrAcct/Ccy`, when given.
    var debtorAccountCurrency: String?
    var transfers: [ReceivedTransfer]
    /// `ReqdExctnDt/Dt` (pain.001.001.09) or `ReqdExctnDt` (.03): the bank executes on that day.
    var requestedExecutionDate: String? = nil
}

/// One `CdtTrfTxInf`.
struct ReceivedTransfer: Hashable, Sendable {
    /// `PmtId/InstrId`, optional in ISO 20022.
    var instructionId: String?
    /// `PmtId/EndToEndId`.
    var endToEndId: String
    /// `Amt/InstdAmt` text as sent.
    var amountText: String
    /// `Amt/InstdAmt/@Ccy` as sent.
    var currencyCode: String
    var creditorName: String?
    /// `CdtrAcct/Id/IBAN` or `CdtrAcct/Id/Othr/Id`.
    var creditorAccount: String?
    /// `CdtrAgt/FinInstnId/BICFI` (.09) or `BIC` (.03).
    var creditorAgentBIC: String?
    /// `RmtInf/Ustrd`.
    var remittanceInformation: String?

    /// The amount in the currency's minor units, or why it cannot be executed (reason code).
    var amount: Result<Money, TransferRejection> {
        guard let currency = Currency(code: currencyCode) else {
            return .failure(TransferRejection(code: "AM03", text: "currency \(currencyCode) is not processable"))
        }
        guard let money = try? Money(parsing: amountText, currency: currency), money.minorUnits > 0 else {
            return .failure(TransferRejection(code: "AM12", text: "the amount is not a positive amount in \(currency.code)"))
        }
        return .success(money)
    }
}

/// Why the simulated bank rejected one transfer: an ISO 20022 external status reason code and a short text.
struct TransferRejection: Error, Hashable, Sendable {
    /// ExternalStatusReason1Code, e.g. `AC01`, `AM04`.
    var code: String
    /// A short explanation for `StsRsnInf/AddtlInf` (at most 105 characters, no account numbers).
    var text: String
}

/// Exact arithmetic on decimal strings, for control sums (never through floating point).
enum DecimalText {
    /// The scale control sums are compared at: ISO 20022 amounts have at most 5 decimals.
    static let amountScale = 5

    /// `text` (digits with an optional `.` and fraction, optional leading `-`) times 10^`scale`, or
    /// `nil` if malformed, too large, or with non-zero digits beyond `scale` decimals.
    static func scaled(_ text: String, scale: Int) -> Int64? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var value: Int64 = 0
        var fractionDigits = 0
        var integerDigits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > scale {
                    guard digit == 0 else { return nil }
                    continue
                }
            } else {
                integerDigits += 1
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = sum
        }
        guard integerDigits > 0 else { return nil }
        for _ in min(fractionDigits, scale)..<scale {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times10
        }
        return negative ? -value : value
    }
}
