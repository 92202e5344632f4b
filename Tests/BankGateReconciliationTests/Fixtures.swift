import BankGateCore
import BankGateReconciliation

let eur = Currency(code: "EUR")!
let usd = Currency(code: "USD")!

func euros(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: eur) }

/// A bank transaction on account `acme-eur` with only what a test sets.
func transaction(_ id: String, _ minorUnits: Int64, booked: String = "2026-03-10", valueDate: String? = nil,
                 currency: Currency = eur, account: String = "acme-eur", endToEndId: String? = nil,
                 instructionId: String? = nil, bankReference: String? = nil, name: String? = nil,
                 counterpartyAccount: String? = nil, remittance: String? = nil,
                 structuredReference: String? = nil) -> BankTransactionCandidate {
    BankTransactionCandidate(id: id, accountId: account, bookingDate: booked, valueDate: valueDate,
                             amount: Money(minorUnits: minorUnits, currency: currency), endToEndId: endToEndId,
                             instructionId: instructionId, bankReference: bankReference, counterpartyName: name,
                             counterpartyAccount: counterpartyAccount, remittanceInformation: remittance,
                             structuredReference: structuredReference)
}

/// A payment from account `acme-eur` whose identifiers are derived from `id` unless given.
func payment(_ id: String, _ minorUnits: Int64, executed: String = "2026-03-10", currency: Currency = eur,
             account: String = "acme-eur", endToEndId: String? = nil, instructionId: String? = nil,
             bankReference: String? = nil, creditor: String = "Some Creditor BV",
             creditorAccount: String = "NL91ABNA0417164300", remittance: String? = nil) -> PaymentCandidate {
    PaymentCandidate(id: id, accountId: account, amount: Money(minorUnits: minorUnits, currency: currency),
                     endToEndId: endToEndId ?? "E2E-\(id)", instructionId: instructionId ?? "INSTR-\(id)",
                     bankReference: bankReference, executionDate: executed, creditorName: creditor,
                     creditorAccount: creditorAccount, remittanceInformation: remittance)
}

/// An expected credit on account `acme-eur`.
func expectedCredit(_ id: String, _ amount: ExpectedAmount, reference: String? = nil, from: String = "2026-03-01",
                 to: String = "2026-03-31", name: String? = nil, account: String? = nil) -> ExpectedPaymentCandidate {
    ExpectedPaymentCandidate(id: id, accountId: "acme-eur", currency: eur, amount: amount, counterpartyName: name,
                             counterpartyAccount: account, reference: reference, from: from, to: to)
}

/// SplitMix64: a seeded generator so shuffles and generated data are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
