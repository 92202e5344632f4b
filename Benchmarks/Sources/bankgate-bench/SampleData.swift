import Foundation
import BankGateCore

/// The payments every benchmark uses, generated from their index so that the Swift benchmarks and
/// the Python peers (which read the files written by `bankgate-bench gen`) see the same data.
enum SampleData {
    /// A creditor of the rotation: name, IBAN (valid check digits) and BIC.
    struct Creditor {
        var name: String
        var iban: String
        var bic: String
    }

    /// Eight creditors in eight SEPA countries, one with a non-ASCII name.
    static let creditors: [Creditor] = [
        Creditor(name: "Müller GmbH", iban: "GB82WEST12345698765432", bic: "WESTGB2L"),
        Creditor(name: "Dupont et Fils SARL", iban: "FR1420041010050500013M02606", bic: "PSSTFRPPXXX"),
        Creditor(name: "Van Dijk Handel BV", iban: "NL91ABNA0417164300", bic: "ABNANL2A"),
        Creditor(name: "Suministros García SL", iban: "ES9121000418450200051332", bic: "CAIXESBBXXX"),
        Creditor(name: "Rossi Forniture SpA", iban: "IT60X0542811101000000123456", bic: "BPMOIT22XXX"),
        Creditor(name: "Peeters & Co NV", iban: "BE68539007547034", bic: "GKCCBEBB"),
        Creditor(name: "Huber Metallbau GmbH", iban: "AT611904300234573201", bic: "BKAUATWW"),
        Creditor(name: "Schmidt Logistik KG", iban: "DE89370400440532013000", bic: "COBADEFFXXX"),
    ]

    /// The debtor account of every sample payment, as configured in the benchmark configurations.
    static let debtorAccountId = "acme-eur"
    static let debtor = DebtorAccount(id: "acme-eur", bankId: "bench-bank", number: "DE75512108001245126199",
                                      bankCode: "SOGEDEFFXXX", name: "ACME Trading GmbH",
                                      currency: Currency(code: "EUR")!)

    /// The amount of payment `index` in cents: 10.00 to 99,999.99, varied.
    static func amountCents(_ index: Int) -> Int64 {
        1_000 + Int64((index &* 7_919) % 9_999_000)
    }

    /// `"1250.00"`-style decimal string of a cent amount.
    static func decimal(_ cents: Int64) -> String {
        let fraction = cents % 100
        return "\(cents / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    static func remittance(_ index: Int) -> String { "Invoice \(index + 1)" }

    static func endToEndId(_ index: Int) -> String { "E2E-\(index + 1)" }

    /// The JSON body of `POST /v1/payments` for payment `index` (without `end_to_end_id`, like the
    /// API example: the gateway generates one).
    static func requestBody(_ index: Int) -> String {
        let creditor = creditors[index % creditors.count]
        return "{\"debtor_account\":\"\(debtorAccountId)\",\"amount\":\"\(decimal(amountCents(index)))\","
            + "\"currency\":\"EUR\",\"creditor\":{\"name\":\"\(creditor.name)\",\"account\":\"\(creditor.iban)\","
            + "\"bank_code\":\"\(creditor.bic)\"},\"remittance_info\":\"\(remittance(index))\"}"
    }

    /// A CNY payment from `account` (the demo's `acme-cmb`, `acme-icbc` …) to another bank, with the
    /// fields Chinese banks need (purpose, same-bank flag, the creditor's bank and, with
    /// `withAddress`, town: CCB's and ABC's formats have no field for an address and refuse one).
    /// `withRemittance` false leaves the remittance text out (CCB's `6W8060` has no field for one).
    static func cnyRequestBody(_ index: Int, account: String, withAddress: Bool = true, withRemittance: Bool = true) -> String {
        "{\"debtor_account\":\"\(account)\",\"amount\":\"\(decimal(amountCents(index)))\",\"currency\":\"CNY\","
            + "\"purpose\":\"货款\",\"same_bank\":false,\"creditor\":{\"name\":\"上海某某贸易有限公司\","
            + "\"account\":\"3100123456789\(String(format: "%04d", index % 10_000))\",\"bank_code\":\"308290003011\","
            + "\"bank_name\":\"招商银行上海分行\""
            + (withAddress ? ",\"address\":{\"town\":\"上海市\",\"street\":\"黄浦区中山东一路1号\",\"country\":\"CN\"}}" : "}")
            + (withRemittance ? ",\"remittance_info\":\"合同 \(index)\"}" : "}")
    }

    /// A local HKD payment from `account` (HSBC, BOCHK) to a company at another Hong Kong bank, in
    /// SWIFT characters, with the creditor's town and country (both profiles ask for them).
    static func hkdRequestBody(_ index: Int, account: String) -> String {
        "{\"debtor_account\":\"\(account)\",\"amount\":\"\(decimal(amountCents(index)))\",\"currency\":\"HKD\","
            + "\"creditor\":{\"name\":\"Kowloon Trading Ltd\",\"account\":\"0249876\(String(format: "%05d", index % 100_000))\","
            + "\"bank_code\":\"HASEHKHHXXX\",\"address\":{\"town\":\"Hong Kong\",\"country\":\"HK\"}},"
            + "\"remittance_info\":\"INV \(index)\"}"
    }

    /// The credit transfers of the in-process pain.001 benchmark.
    static func transfers(count: Int, messageId: String) -> [CreditTransfer] {
        (0..<count).map { index in
            let creditor = creditors[index % creditors.count]
            return CreditTransfer(
                paymentId: "pay_bench_\(index + 1)", instructionId: "\(messageId)-\(index + 1)",
                endToEndId: endToEndId(index),
                amount: Money(minorUnits: amountCents(index), currency: Currency(code: "EUR")!),
                creditor: Party(name: creditor.name, account: creditor.iban, bankCode: creditor.bic),
                remittanceInfo: remittance(index))
        }
    }
}
