import BankGateConfig

/// How a receipt given as data is laid out as a PDF (回单模板): a title, rows of label and value,
/// a footer, the page size and the font. Read from a template file under
/// `config/receipt-templates/` (`receipt_template = "…"` on an account or bank); ``default`` when
/// none is chosen.
public struct ReceiptTemplate: Sendable, Hashable {
    /// The page: A5 landscape (the usual size of a printed bank receipt) or A4 portrait.
    public enum Page: String, Sendable, Hashable, CaseIterable {
        case a5Landscape = "a5-landscape"
        case a4 = "a4"

        /// Width and height in PostScript points.
        public var size: (width: Double, height: Double) {
            switch self {
            case .a5Landscape: (595.28, 419.53)
            case .a4: (595.28, 841.89)
            }
        }
    }

    /// One row: a label and the receipt field it shows.
    public struct Row: Sendable, Hashable {
        public var label: String
        public var field: ReceiptField

        public init(label: String, field: ReceiptField) {
            self.label = label
            self.field = field
        }
    }

    /// The template's name (its file name without `.toml`, or `default`).
    public var name: String
    public var title: String
    public var page: Page
    /// Font families, the first installed one used (pango's comma-separated list); text a family has
    /// no glyphs for falls back to any installed font that has them. The default, WenQuanYi Zen Hei, is
    /// a TrueType font: its subsets are small (a receipt of 23 KB, against 80 KB with Noto Sans CJK's CFF).
    public var font: String
    public var fontSize: Int
    /// Label-and-value cells per line: 2 puts the rows side by side in pairs (payer beside payee).
    public var columns: Int
    public var rows: [Row]
    /// Lines whose values the receipt does not give are left out (else printed empty).
    public var omitsEmptyRows: Bool
    public var footer: String?

    public init(name: String, title: String, page: Page = .a5Landscape, font: String = "WenQuanYi Zen Hei, Noto Sans CJK SC", fontSize: Int = 9,
                columns: Int = 1, rows: [Row], omitsEmptyRows: Bool = true, footer: String? = nil) {
        self.name = name
        self.title = title
        self.page = page
        self.font = font
        self.fontSize = fontSize
        self.columns = columns
        self.rows = rows
        self.omitsEmptyRows = omitsEmptyRows
        self.footer = footer
    }

    /// The built-in template, the same as `config/receipt-templates/default.toml`.
    public static let `default` = ReceiptTemplate(
        name: "default", title: "电子回单 Electronic Receipt", columns: 2,
        rows: [
            Row(label: "回单编号 Receipt No.", field: .receiptNumber),
            Row(label: "记账日期 Booking date", field: .bookingDate),
            Row(label: "付款人 Payer", field: .payerName),
            Row(label: "收款人 Payee", field: .payeeName),
            Row(label: "付款账号 Payer account", field: .payerAccount),
            Row(label: "收款账号 Payee account", field: .payeeAccount),
            Row(label: "付款行 Payer bank", field: .payerBank),
            Row(label: "收款行 Payee bank", field: .payeeBank),
            Row(label: "金额 Amount", field: .amount),
            Row(label: "大写金额 In words", field: .amountInWords),
            Row(label: "用途 Purpose", field: .purpose),
            Row(label: "业务种类 Kind", field: .kind),
            Row(label: "银行流水号 Bank serial", field: .bankSerial),
            Row(label: "客户业务编号 Our reference", field: .clientReference),
        ],
        footer: "本回单由 bankgate 依据银行提供的回单数据生成，以银行记录为准。 Rendered by bankgate from the bank's receipt data; the bank's records prevail.")
}

/// What a template row can show: a field of the receipt, or of the account it is for.
public enum ReceiptField: Sendable, Hashable {
    case receiptNumber, bankSerial, clientReference, bookingDate, direction, kind, purpose
    case amount, amountInWords, currency
    case accountNumber, accountName, accountBank
    case counterpartyName, counterpartyAccount, counterpartyBank
    /// The payer and payee: our account for a debit's payer and a credit's payee, the counterparty otherwise.
    case payerName, payerAccount, payerBank, payeeName, payeeAccount, payeeBank
    /// A field the bank gave beyond the common ones, under its own name (`extra.TRSDSP`).
    case extra(String)

    /// The names a template file uses.
    static let named: [String: ReceiptField] = [
        "receipt_number": .receiptNumber, "bank_serial": .bankSerial, "client_reference": .clientReference,
        "booking_date": .bookingDate, "direction": .direction, "kind": .kind, "purpose": .purpose, "amount": .amount,
        "amount_in_words": .amountInWords, "currency": .currency, "account_number": .accountNumber,
        "account_name": .accountName, "account_bank": .accountBank, "counterparty_name": .counterpartyName,
        "counterparty_account": .counterpartyAccount, "counterparty_bank": .counterpartyBank, "payer_name": .payerName,
        "payer_account": .payerAccount, "payer_bank": .payerBank, "payee_name": .payeeName, "payee_account": .payeeAccount,
        "payee_bank": .payeeBank,
    ]

    /// The field a template names `name`, or `nil`.
    public init?(name: String) {
        if name.hasPrefix("extra."), name.count > 6 {
            self = .extra(String(name.dropFirst(6)))
        } else if let field = Self.named[name] {
            self = field
        } else {
            return nil
        }
    }
}

/// A template file that cannot be used: its path, the line and what is wrong.
public struct ReceiptTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int?
    public var problem: String

    public var description: String { "\(source)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}

extension ReceiptTemplate {
    /// Reads a template file's text (TOML: `title`, `page`, `font`, `font_size`, `columns`, `omit_empty`,
    /// `footer`, and `[[fields]]` with `label` and `value`).
    /// - Throws: ``ReceiptTemplateError`` naming the line for an unknown key, field or page, a
    ///   value of the wrong type, or a template without fields.
    public static func parse(_ text: String, name: String, source: String) throws(ReceiptTemplateError) -> ReceiptTemplate {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ReceiptTemplateError(source: source, line: error.line, problem: error.message)
        }
        func fail(_ problem: String, _ line: Int?) -> ReceiptTemplateError {
            ReceiptTemplateError(source: source, line: line, problem: problem)
        }
        func string(_ table: TOMLTable, _ key: String) throws(ReceiptTemplateError) -> String? {
            guard let value = table[key] else { return nil }
            guard case .string(let text) = value.kind else { throw fail("\(key) must be a string, not \(value.typeDescription)", value.line) }
            return text
        }
        let known: Set<String> = ["title", "page", "font", "font_size", "columns", "omit_empty", "footer", "fields"]
        for key in root.keys where !known.contains(key) {
            throw fail("unknown key \(key) (known: \(known.sorted().joined(separator: ", ")))", root[key]?.line)
        }
        var template = ReceiptTemplate(name: name, title: try string(root, "title") ?? ReceiptTemplate.default.title, rows: [])
        if let page = try string(root, "page") {
            guard let parsed = Page(rawValue: page) else {
                throw fail("page must be one of \(Page.allCases.map(\.rawValue).joined(separator: ", "))", root["page"]?.line)
            }
            template.page = parsed
        }
        if let font = try string(root, "font") { template.font = font }
        if let size = root["font_size"] {
            guard case .integer(let points) = size.kind, (6...24).contains(points) else {
                throw fail("font_size must be an integer from 6 to 24", size.line)
            }
            template.fontSize = points
        }
        if let columns = root["columns"] {
            guard case .integer(let count) = columns.kind, (1...2).contains(count) else {
                throw fail("columns must be 1 or 2", columns.line)
            }
            template.columns = count
        }
        if let omit = root["omit_empty"] {
            guard case .boolean(let flag) = omit.kind else { throw fail("omit_empty must be true or false", omit.line) }
            template.omitsEmptyRows = flag
        }
        template.footer = try string(root, "footer")
        guard let fields = root["fields"], case .tableArray(let tables) = fields.kind, !tables.isEmpty else {
            throw fail("a template needs [[fields]] entries, each with label and value", root["fields"]?.line)
        }
        for table in tables {
            for key in table.keys where key != "label" && key != "value" {
                throw fail("unknown key \(key) in [[fields]] (known: label, value)", table[key]?.line)
            }
            guard let label = try string(table, "label"), let value = try string(table, "value") else {
                throw fail("each [[fields]] entry needs label and value", table.line)
            }
            guard let field = ReceiptField(name: value) else {
                let names = ReceiptField.named.keys.sorted().joined(separator: ", ")
                throw fail("unknown value \(value) (one of: \(names), extra.NAME)", table["value"]?.line)
            }
            template.rows.append(Row(label: label, field: field))
        }
        return template
    }
}
