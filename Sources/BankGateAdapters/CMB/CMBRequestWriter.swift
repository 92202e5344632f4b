import BankGateCore

/// Writes one request to CMB's front-end program (前置机): the `CMBSDKPGK` envelope with its `INFO`
/// header, then the function's records, checked field by field and transcoded to GBK at the end.
///
/// CMB gives field lengths in bytes of GBK (`Z(62)`: 62 bytes, 31 Chinese characters), so every
/// field is converted to GBK before it is written: a character GBK cannot carry is refused with the
/// field named, and the length is counted in GBK bytes. Errors never contain the field's value.
struct CMBRequestWriter {
    /// The field types of CMB's documentation: `C(n)` ``ChineseXMLFields/FieldType/code``,
    /// `N(n)` ``ChineseXMLFields/FieldType/account``, `Z(n)` ``ChineseXMLFields/FieldType/text``.
    typealias FieldType = ChineseXMLFields.FieldType

    private var fields = ChineseXMLFields(encoding: CMBAdapter.encoding,
                                          declaration: "<?xml version=\"1.0\" encoding=\"GBK\"?>", indentation: 2)
    private let function: String

    /// Starts a request for `function` (`FUNNAM`) sent as login `loginName` (`LGNNAM`).
    init(function: String, loginName: String) throws(AdapterError) {
        self.function = function
        fields.open("CMBSDKPGK")
        fields.open("INFO")
        try fields.field("FUNNAM", function, record: "INFO", type: .code, maxBytes: 30)
        // Data type 2: XML ("format 3" of the API documentation).
        try fields.field("DATTYP", "2", record: "INFO", type: .code, maxBytes: 1)
        try field("LGNNAM", loginName, record: "INFO", type: .text, maxBytes: 30)
        fields.close("INFO")
    }

    /// Opens one record (`SDKPAYRQX`, `DCOPDPAYX` …).
    mutating func open(_ record: String) { fields.open(record) }

    /// Closes the record opened last.
    mutating func close(_ record: String) { fields.close(record) }

    /// Writes `<name>value</name>` after checking `value` against the field's type and its limit in
    /// GBK bytes.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: FieldType, maxBytes: Int) throws(AdapterError) {
        try fields.field(name, value, record: record, type: type, maxBytes: maxBytes)
    }

    /// Closes the envelope and returns the request in GBK, ending with a newline.
    mutating func finish() throws(AdapterError) -> [UInt8] {
        fields.close("CMBSDKPGK")
        fields.raw("\n")
        return try fields.encoded(document: function)
    }
}
