import ArgumentParser
import BankGateAdapters
import BankGateConfig

extension MessagesCommand {
    /// `bankgate messages codes`: the code table a bank's answers are read with — the adapter's
    /// built-in table, or `codes_file`, with `code_overrides` merged — as the gateway would use it.
    struct Codes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "codes",
            abstract: "Print the return and status codes a bank's answers are read with, and what each means.",
            discussion: "The effective table of BANK_ID: the adapter's built-in table (adapters/<bank>/codes.tsv) or the bank's codes_file, with its code_overrides. A code not listed is read as unknown (the bank is asked again), never as success. --tsv prints it in the codes.tsv format, a starting point for a codes_file.")

        @Option(help: ArgumentHelp("The configuration file.", valueName: "file")) var config: String
        @Option(help: ArgumentHelp("The configured bank.", valueName: "bank-id")) var bank: String
        @Flag(help: "Print the table as codes.tsv (kind, code, category, meaning, tab-separated).") var tsv = false

        func run() throws {
            let configuration: BankGateConfiguration
            do {
                configuration = try BankGateConfiguration.load(path: config)
            } catch {
                throw commandFailure("invalid configuration\n\(error)")
            }
            guard let bankConfig = configuration.bank(id: bank) else { throw commandFailure("no bank \(bank) in \(config)") }
            let table: (rows: [CodeTableRow], origin: CodeTableOrigin)
            do {
                table = try AdapterRegistry.codeTable(bank: bankConfig)
            } catch {
                throw commandFailure("bank \(bank): \(error)")
            }
            print(tsv ? Self.tsv(table.rows, bank: bankConfig, origin: table.origin)
                      : Self.text(table.rows, bank: bankConfig, origin: table.origin))
        }

        /// A header line, the rows as a text table, and the rule for codes not listed.
        static func text(_ rows: [CodeTableRow], bank: BankConfig, origin: CodeTableOrigin) -> String {
            var table = TextTable("KIND", "CODE", "CATEGORY", "MEANING")
            for row in rows { table.add(row.kind, row.code, row.category, orDash(row.meaning)) }
            return "bank \(bank.id) (adapter \(bank.adapter)): \(origin), \(rows.count) codes\n\n" + table.render()
                + "\n\nA code not listed is unknown: the bank is asked again, never read as success."
        }

        /// The rows in the `codes.tsv` format, under a comment naming the bank and the table's origin.
        static func tsv(_ rows: [CodeTableRow], bank: BankConfig, origin: CodeTableOrigin) -> String {
            var lines = ["# bank \(bank.id) (adapter \(bank.adapter)): \(origin)", "# kind\tcode\tcategory\tmeaning"]
            for row in rows {
                let meaning = row.meaning.replacingTabsAndNewlines()
                lines.append([row.kind, row.code, row.category, meaning].joined(separator: "\t"))
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension String {
    /// The text with tabs and line breaks as spaces, so it fits one `codes.tsv` column.
    fileprivate func replacingTabsAndNewlines() -> String {
        String(unicodeScalars.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
