public import BankGateAdapters
import BankGateCore
import BankGateStatements

/// What a receipt says of the account it is for, beyond the bank's data: the holder's name and the
/// bank's name, as configured.
public struct ReceiptAccount: Sendable, Hashable {
    public var name: String?
    public var bankName: String?

    public init(name: String? = nil, bankName: String? = nil) {
        self.name = name
        self.bankName = bankName
    }
}

extension BankReceipt {
    /// The text of `field` on this receipt, `nil` when the bank did not give it.
    public func value(of field: ReceiptField, account: ReceiptAccount) -> String? {
        let isDebit = direction == .debit
        func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        switch field {
        case .receiptNumber: return nonEmpty(receiptNumber)
        case .bankSerial: return nonEmpty(bankSerial)
        case .clientReference: return nonEmpty(clientReference)
        case .bookingDate: return bookingDate
        case .direction: return isDebit ? "借 Debit" : "贷 Credit"
        case .kind: return nonEmpty(kind)
        case .purpose: return nonEmpty(purpose)
        case .amount: return "\(amount.currency.code) \(Self.grouped(amount.decimalString))"
        case .amountInWords:
            // 元角分 are the units of the yuan: other currencies are not written in words.
            guard amount.currency.code == "CNY" else { return nil }
            return ChineseAmountInWords.text(amount).map { "人民币" + $0 }
        case .currency: return amount.currency.code
        case .accountNumber: return accountNumber
        case .accountName: return nonEmpty(account.name)
        case .accountBank: return nonEmpty(account.bankName)
        case .counterpartyName: return nonEmpty(counterparty.name)
        case .counterpartyAccount: return nonEmpty(counterparty.account)
        case .counterpartyBank: return nonEmpty(counterpartyBankName) ?? nonEmpty(counterparty.bankCode)
        case .payerName: return isDebit ? nonEmpty(account.name) : nonEmpty(counterparty.name)
        case .payerAccount: return isDebit ? accountNumber : nonEmpty(counterparty.account)
        case .payerBank: return isDebit ? nonEmpty(account.bankName) : value(of: .counterpartyBank, account: account)
        case .payeeName: return isDebit ? nonEmpty(counterparty.name) : nonEmpty(account.name)
        case .payeeAccount: return isDebit ? nonEmpty(counterparty.account) : accountNumber
        case .payeeBank: return isDebit ? value(of: .counterpartyBank, account: account) : nonEmpty(account.bankName)
        case .extra(let name): return nonEmpty(extraFields[name])
        }
    }

    /// `1234567.89` → `1,234,567.89`.
    static func grouped(_ decimal: String) -> String {
        let negative = decimal.hasPrefix("-")
        let unsigned = negative ? String(decimal.dropFirst()) : decimal
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        var integer = Array(parts[0])
        var grouped: [Character] = []
        while integer.count > 3 {
            grouped = [","] + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        return (negative ? "-" : "") + String(grouped) + (parts.count > 1 ? "." + parts[1] : "")
    }
}
