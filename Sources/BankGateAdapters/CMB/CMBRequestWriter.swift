import BankGateCore

/// Writes one request to CMB's front-end program (前置机): the `CMBSDKPGK` envelope with its `INFO`
/// header, then the function's records, checked field by field and transcoded to GBK at the end.
///
/// CMB gives field lengths in bytes of GBK (`Z(62)`: 62 bytes, 31 Chinese characters), so every
/// field is converted to GBK before it is written: a character GBK cannot carry is refused with the
/// field named, and the length is counted in GBK bytes. Errors never contain the field's value.
struct CMBRequestWriter {
    /// The field types of CMB's documentation: `C(n)` ``BankFieldType/code``, `N(n)`
    /// ``BankFieldType/account``, `Z(n)` ``BankFieldType/text`` (GBK).
    typealias FieldType = BankFieldType

    private var writer = ChineseXMLFields(encoding: CMBAdapter.encoding, declaration: "<?xml version=\"1.0\" encoding=\"GBK\"?>",
                                          indentation: 2)
    private let function: String

    /// Starts a request for `function` (`FUNNAM`) sent as login `loginName` (`LGNNAM`).
    init(function: String, loginName: String) throws(AdapterError) {
        self.function = function
        writer.open("CMBSDKPGK")
        writer.open("INFO")
        writer.constant("FUNNAM", function)
        // Data type 2: XML ("format 3" of the API documentation).
        writer.constant("DATTYP", "2")
        try field("LGNNAM", loginName, record: "INFO", type: .text, maxBytes: 30)
        writer.close("INFO")
    }

    /// Opens one record (`SDKPAYRQX`, `DCOPDPAYX` …).
    mutating func open(_ record: String) { writer.open(record) }

    /// Closes the record opened last.
    mutating func close(_ record: String) { writer.close(record) }

    /// Writes `<name>value</name>` after checking `value` against the field's type and its limit in
    /// GBK bytes.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: FieldType, maxBytes: Int) throws(AdapterError) {
        try writer.field(name, value, record: record, type: type, maxBytes: maxBytes)
    }

    /// Closes the envelope and returns the request in GBK, ending with a newline.
    mutating func finish() throws(AdapterError) -> [UInt8] {
        writer.close("CMBSDKPGK")
        writer.raw("\n")
        return try writer.encoded(document: function)
    }
}
