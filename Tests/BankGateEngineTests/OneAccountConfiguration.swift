import BankGateAdapters
import BankGateConfig
import Foundation

/// The configuration the account-side engine tests share: one ISO 20022 bank `bank` (never
/// reached over HTTP: tests give it a scripted transport) and the account `acme-eur`.
enum OneAccountConfiguration {
    /// - Parameter accountKeys: extra lines for the account's table (e.g. `end_of_day_pull_at = "06:00"`).
    static func parse(directory: URL, accountKeys: String = "") throws -> BankGateConfiguration {
        try BankGateConfiguration.parse("""
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.path)"

            [[tokens]]
            name = "t"
            token = "engine-test-token-0123456789"
            scopes = ["operate"]

            [[banks]]
            id = "bank"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[accounts]]
            id = "acme-eur"
            bank = "bank"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"
            \(accountKeys)
            """, fileName: "engine-test.toml", baseDirectory: directory.path)
    }
}
