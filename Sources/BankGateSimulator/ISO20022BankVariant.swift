import BankGateCore

/// Which ISO 20022 bank the ISO 20022 simulator plays: the generic one (`--profile iso20022`), or
/// HSBC (`hsbc`) and Bank of China (Hong Kong) (`bochk`), the banks bankgate reaches through the
/// ISO 20022 adapter with a profile of their rules (`adapters/iso20022/PROFILES.md`).
///
/// A variant gives the simulator its bank's accounts and prints the configuration that bank needs
/// (`profile = "hsbc"`, its pain.001 version). The messages are the ISO 20022 simulator's; the
/// profiles' character rules are the gateway's intake checks and are not checked again here.
struct ISO20022BankVariant: Hashable, Sendable {
    /// The `--profile` value.
    var name: String
    /// The `[[banks]]` id `--print-config` prints.
    var bankId: String
    /// The adapter's `profile` key; nil for the generic bank.
    var adapterProfile: String?
    /// `pain001_version` as printed.
    var painVersion: String
    /// The accounts it opens at start.
    var accounts: [ProfileAccount]

    static let generic = ISO20022BankVariant(
        name: "iso20022", bankId: "sim-iso", adapterProfile: nil, painVersion: "pain.001.001.09",
        accounts: [ProfileAccount(id: "sim-iso-eur", number: "FR7630006000011234567890189", name: "ACME Trading SARL",
                                  bankCode: "AGRIFRPPXXX", branchCode: nil,
                                  openingBalance: Money(minorUnits: 100_000_000, currency: Currency(code: "EUR")!))])

    /// HSBC Hong Kong: an HKD and a USD account (HSBC's HK account numbers: branch, account, suffix).
    static let hsbc = ISO20022BankVariant(
        name: "hsbc", bankId: "hsbc-sim", adapterProfile: "hsbc", painVersion: "pain.001.001.03",
        accounts: [ProfileAccount(id: "hsbc-sim-hkd", number: "004123456001", name: "ACME Trading (HK) Ltd",
                                  bankCode: "HSBCHKHHHKH", branchCode: nil,
                                  openingBalance: Money(minorUnits: 1_000_000_000, currency: Currency(code: "HKD")!)),
                   ProfileAccount(id: "hsbc-sim-usd", number: "004123456274", name: "ACME Trading (HK) Ltd",
                                  bankCode: "HSBCHKHHHKH", branchCode: nil,
                                  openingBalance: Money(minorUnits: 200_000_000, currency: Currency(code: "USD")!))])

    /// Bank of China (Hong Kong): one HKD account.
    static let bochk = ISO20022BankVariant(
        name: "bochk", bankId: "bochk-sim", adapterProfile: "bochk", painVersion: "pain.001.001.03",
        accounts: [ProfileAccount(id: "bochk-sim-hkd", number: "012875000123456", name: "ACME Trading (HK) Ltd",
                                  bankCode: "BKCHHKHHXXX", branchCode: nil,
                                  openingBalance: Money(minorUnits: 1_000_000_000, currency: Currency(code: "HKD")!))])
}
