import BankGateCore

/// Writes one request to ABC's client: the `ap` root with its header (`CCTransCode`, `ProductID=ICC`,
/// `ChannelType=ERP`, `CorpNo`, `OpNo`, `AuthNo`, `ReqSeqNo`, `ReqDate`, `ReqTime`, `Sign`), then the
/// sections (`Amt`, `Cmp`, `Corp` …), on one line and without an XML declaration, in GBK.
///
/// Field lengths are checked in GBK bytes and text GBK cannot carry is refused with the field named
/// (``ChineseXMLFields``). Locations are `section/field` (`Corp/CrAccName`, `ap/ReqSeqNo`).
struct ABCRequestWriter {
    private var writer = ChineseXMLFields(encoding: ABCAdapter.encoding, indentation: 0, capacity: 1024)
    private let code: String
    private var section = "ap"

    /// Starts a request for transaction `code` with `ReqSeqNo` `requestId`, dated `instant` (China time).
    init(code: String, adapter: ABCAdapter, requestId: String, at instant: Timestamp) throws(AdapterError) {
        self.code = code
        try ABCAdapter.checkReference(requestId, location: "ap/ReqSeqNo")
        let (date, time) = ABCAdapter.chinaDateTime(instant)
        writer.open("ap")
        writer.constant("CCTransCode", code)
        writer.constant("ProductID", "ICC")
        writer.constant("ChannelType", "ERP")
        try field("CorpNo", adapter.corporateNumber, type: .code, maxBytes: 30)
        try field("OpNo", adapter.operatorNumber, type: .code, maxBytes: 30)
        try field("AuthNo", adapter.authorizationCode, type: .code, maxBytes: 60, allowEmpty: true)
        writer.constant("ReqSeqNo", requestId)
        writer.constant("ReqDate", date)
        writer.constant("ReqTime", time)
        try field("Sign", adapter.signature, type: .code, maxBytes: 4096, allowEmpty: true)
    }

    /// Opens a section (`Cmp`, `Corp`, `Cme` …).
    mutating func open(_ name: String) {
        writer.open(name)
        section = name
    }

    /// Closes the section opened last.
    mutating func close(_ name: String) {
        writer.close(name)
        section = "ap"
    }

    /// Writes a value of the codec's own (a flag, a code), unchecked.
    mutating func constant(_ name: String, _ value: String) { writer.constant(name, value) }

    /// Writes `<name>value</name>` after checking it against `type` and `maxBytes` GBK bytes.
    /// - Throws: ``AdapterError`` located at `section/name`.
    mutating func field(_ name: String, _ value: String, type: BankFieldType, maxBytes: Int,
                        allowEmpty: Bool = false) throws(AdapterError) {
        try writer.field(name, value, location: section + "/" + name, type: type, maxBytes: maxBytes, allowEmpty: allowEmpty)
    }

    /// Closes `ap` and returns the request body in GBK (not yet framed).
    mutating func finish() throws(AdapterError) -> [UInt8] {
        writer.close("ap")
        return try writer.encoded(document: code)
    }
}
