public import BankGateCore
import Foundation

/// The state of an account at the simulated bank.
public enum AccountStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Debits and credits allowed.
    case open
    /// Closed: payments from or to it are rejected with AC04.
    case closed
    /// Blocked: payments from or to it are rejected with AC06.
    case blocked
}

/// An account held at the simulated bank, with its balance in integer minor units.
public struct SimulatedAccount: Hashable, Sendable {
    /// The account number: an IBAN or a domestic number (1–34 letters and digits).
    public var number: String
    /// The balance, whose currency is the account's currency.
    public var balance: Money
    /// Whether payments from or to it are allowed.
    public var status: AccountStatus

    public init(number: String, balance: Money, status: AccountStatus) {
        self.number = number
        self.balance = balance
        self.status = status
    }

    /// The account's currency.
    public var currency: Currency { balance.currency }

    /// The account as the bank opens it on first use: open, with 1,000,000,000 major units of `currency`.
    public static func openedOnFirstUse(number: String, currency: Currency) -> SimulatedAccount {
        SimulatedAccount(number: number,
                         balance: Money(minorUnits: PaymentExecution.openingBalanceMajorUnits * Money.scale(currency), currency: currency),
                         status: .open)
    }
}

/// Account number syntax as the simulated bank checks it.
public enum AccountNumberSyntax {
    /// An IBAN (two letters then two digits) must have valid check digits; anything else must be
    /// 1–34 ASCII letters and digits.
    public static func isValid(_ number: String) -> Bool {
        if IBAN.looksLikeIBAN(number) { return IBAN.isValid(number) }
        let bytes = number.utf8
        guard (1...34).contains(bytes.count) else { return false }
        return bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }
}

/// Reads the `--accounts` file: a JSON array of `{"number", "currency", "balance", "status"}`,
/// where `balance` is a decimal string such as `"1250.00"` and `status` is `open`, `closed` or `blocked`.
public enum AccountsFile {
    private struct Entry {
        var number: String
        var currency: String
        var balance: String
        var status: String?

        /// Members other than these four are ignored; `status` may be absent or `null`.
        init?(_ value: JSONValue) {
            do {
                let object = try JSONObjectReader(value, path: "")
                guard let number = try object.string("number"), let currency = try object.string("currency"),
                      let balance = try object.string("balance") else { return nil }
                self.number = number
                self.currency = currency
                self.balance = balance
                status = try object.string("status")
            } catch {
                return nil
            }
        }
    }

    /// Loads and checks the file at `path`.
    public static func load(path: String) throws(BankSimulatorOptionsError) -> [SimulatedAccount] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BankSimulatorOptionsError("cannot read the accounts file \(path): \(error.localizedDescription)")
        }
        return try parse(Array(data), source: path)
    }

    /// Parses the JSON text of an accounts file; `source` names it in error messages.
    public static func parse(_ bytes: [UInt8], source: String = "accounts file") throws(BankSimulatorOptionsError) -> [SimulatedAccount] {
        let values = (try? JSONValue.parse(bytes))?.arrayValue
        let entries = values?.compactMap(Entry.init)
        guard let entries, entries.count == values?.count else {
            throw BankSimulatorOptionsError(
                "\(source) must be a JSON array of {\"number\", \"currency\", \"balance\", \"status\"} objects")
        }
        var accounts: [SimulatedAccount] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let place = "\(source), entry \(index + 1)"
            guard AccountNumberSyntax.isValid(entry.number) else {
                throw BankSimulatorOptionsError("\(place): the account number is not a valid IBAN or 1-34 letters and digits")
            }
            guard seen.insert(entry.number).inserted else {
                throw BankSimulatorOptionsError("\(place): the account number is listed twice")
            }
            guard let currency = Currency(code: entry.currency) else {
                throw BankSimulatorOptionsError("\(place): \"\(entry.currency)\" is not an ISO 4217 currency code")
            }
            let balance: Money
            do {
                balance = try Money(parsing: entry.balance, currency: currency)
            } catch {
                throw BankSimulatorOptionsError("\(place): the balance \(error)")
            }
            let statusText = entry.status ?? AccountStatus.open.rawValue
            guard let status = AccountStatus(rawValue: statusText) else {
                throw BankSimulatorOptionsError("\(place): status must be open, closed or blocked, not \"\(statusText)\"")
            }
            accounts.append(SimulatedAccount(number: entry.number, balance: balance, status: status))
        }
        return accounts
    }
}
