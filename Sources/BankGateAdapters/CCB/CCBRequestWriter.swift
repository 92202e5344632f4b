import BankGateCore

/// Writes one request to CCB's 外联客户端: the `TX` envelope with its header (`REQUEST_SN`,
/// `CUST_ID`, `USER_ID`, `PASSWORD`, `TX_CODE`, `LANGUAGE`), then `TX_INFO` with the transaction's
/// fields, checked one by one and transcoded to GB2312 at the end.
///
/// The request is written on one line, as every published request is. Field lengths are bytes of
/// GB2312 (`varChar(60)`: 30 Chinese characters); a character GB2312 cannot carry is refused with
/// the field named. Errors never contain a field's value, and nothing about the password but that
/// it does not fit.
struct CCBRequestWriter {
    private var writer = ChineseXMLFields(encoding: CCBAdapter.encoding, indentation: 0, capacity: 1024)
    private let code: String

    /// The declaration every published request carries, byte for byte.
    static let declaration = "<?xml version=\"1.0\" encoding=\"GB2312\" standalone=\"yes\" ?>"

    /// Starts a request for transaction `code` (`TX_CODE`) numbered `requestNumber` (`REQUEST_SN`)
    /// and opens `TX_INFO`.
    init(code: String, requestNumber: String, adapter: CCBAdapter) throws(AdapterError) {
        self.code = code
        try CCBAdapter.checkRequestNumber(requestNumber, location: "TX/REQUEST_SN")
        try CCBAdapter.checkPassword(adapter.password)
        writer.raw(Self.declaration)
        writer.open("TX")
        writer.constant("REQUEST_SN", requestNumber)
        try header("CUST_ID", adapter.customerId, maxBytes: 21)
        try header("USER_ID", adapter.operatorId, maxBytes: 6)
        writer.constant("PASSWORD", adapter.password)
        writer.constant("TX_CODE", code)
        writer.constant("LANGUAGE", "CN")
        writer.open("TX_INFO")
    }

    private mutating func header(_ name: String, _ value: String, maxBytes: Int) throws(AdapterError) {
        try writer.field(name, value, record: "TX", type: .code, maxBytes: maxBytes)
    }

    /// Writes `<name>value</name>` inside `TX_INFO` after checking `value` against the field's type
    /// and its limit in GB2312 bytes.
    /// - Throws: ``AdapterError`` located at `TX_INFO/name`.
    mutating func field(_ name: String, _ value: String, type: BankFieldType, maxBytes: Int) throws(AdapterError) {
        try writer.field(name, value, record: "TX_INFO", type: type, maxBytes: maxBytes)
    }

    /// Closes `TX_INFO` and `TX` and returns the request in GB2312.
    mutating func finish() throws(AdapterError) -> [UInt8] {
        writer.close("TX_INFO")
        writer.close("TX")
        return try writer.encoded(document: code)
    }
}
