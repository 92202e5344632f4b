/// `receipt_template` of an account or bank: the receipt template (回单模板) finance chose for
/// receipts the bank gives as data, a file under `receipt-templates/` beside the configuration file.
///
/// Its text is read while the configuration is read (a file that cannot be read is a configuration
/// problem on that line); the receipts module parses it at start-up.
public struct ReceiptTemplateFile: Sendable, Hashable {
    /// The name as written (`finance.toml`).
    public var name: String
    /// The file's absolute path.
    public var path: String
    /// The file's text.
    public var text: String

    public init(name: String, path: String, text: String) {
        self.name = name
        self.path = path
        self.text = text
    }

    /// The folder beside the configuration file that holds receipt templates.
    public static let folder = "receipt-templates"

    /// Reads `receipt_template` from `reader`: a plain file name (`.toml` added when it has no
    /// extension) under ``folder``, resolved against `baseDirectory` and read now.
    static func decode(_ reader: TableReader, baseDirectory: String) -> ReceiptTemplateFile? {
        guard let name = reader.string("receipt_template", required: false) else { return nil }
        let value = name.value
        guard !value.isEmpty, !value.contains("/"), !value.hasPrefix(".") else {
            reader.report("receipt_template", "must name a file in \(folder)/ beside the configuration file, such as \"finance.toml\"",
                          line: name.line)
            return nil
        }
        let file = value.contains(".") ? value : value + ".toml"
        let path = ConfigPath.resolve(folder + "/" + file, against: baseDirectory)
        switch ConfigFile.read(path) {
        case .success(let text):
            return ReceiptTemplateFile(name: file, path: path, text: text)
        case .failure(let failure):
            reader.report("receipt_template", "\(path): \(failure.message)", line: name.line)
            return nil
        }
    }
}
