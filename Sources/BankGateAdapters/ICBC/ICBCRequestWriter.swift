import BankGateCore

/// Writes one request to ICBC: `<?xml version="1.0" encoding="GBK"?><CMS><eb><pub>…</pub><in>…</in></eb></CMS>`
/// on one line, as ICBC's integration code writes it. `pub` carries `TransCode`, `CIS`, `BankCode`,
/// `ID`, `TranDate`, `TranTime` and `fSeqno`; the fields of `in` are checked one by one (type, GBK
/// byte limit, characters GBK cannot carry) through ``ChineseXMLFields``.
struct ICBCRequestWriter {
    typealias FieldType = BankFieldType

    private var fields = ChineseXMLFields(encoding: ICBCAdapter.encoding,
                                          declaration: "<?xml version=\"1.0\" encoding=\"GBK\"?>", indentation: 0)
    private let transCode: String

    /// The longest package id (`fSeqno`) written (assumed: no public source gives the limit).
    static let maxPackageIdBytes = 35

    /// Starts a `transCode` request with package id `packageId` created at `createdAt` (its China
    /// date and time become `TranDate` and `TranTime`), and opens `in`.
    init(transCode: String, adapter: ICBCAdapter, packageId: String, createdAt: Timestamp) throws(AdapterError) {
        self.transCode = transCode
        let (date, time) = ICBCAdapter.chinaTime(createdAt)
        fields.open("CMS")
        fields.open("eb")
        fields.open("pub")
        try fields.field("TransCode", transCode, record: "pub", type: .code, maxBytes: 10)
        try fields.field("CIS", adapter.groupCIS, record: "pub", type: .code, maxBytes: 60)
        try fields.field("BankCode", ICBCAdapter.bankCode, record: "pub", type: .code, maxBytes: 3)
        try fields.field("ID", adapter.certificateId, record: "pub", type: .code, maxBytes: 60)
        try fields.field("TranDate", date, record: "pub", type: .code, maxBytes: 8)
        try fields.field("TranTime", time, record: "pub", type: .code, maxBytes: 9)
        try fields.field("fSeqno", packageId, record: "pub", type: .code, maxBytes: Self.maxPackageIdBytes)
        fields.close("pub")
        fields.open("in")
    }

    /// Opens a record (`rd`).
    mutating func open(_ record: String) { fields.open(record) }

    /// Closes the record opened last.
    mutating func close(_ record: String) { fields.close(record) }

    /// Writes `<name></name>`.
    mutating func empty(_ name: String) { fields.empty(name) }

    /// Writes `<name>value</name>` after checking it.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: FieldType, maxBytes: Int) throws(AdapterError) {
        try fields.field(name, value, record: record, type: type, maxBytes: maxBytes)
    }

    /// Closes `in` and the envelope and returns the request in GBK (no trailing newline: the
    /// document travels inside a form field).
    mutating func finish() throws(AdapterError) -> [UInt8] {
        fields.close("in")
        fields.close("eb")
        fields.close("CMS")
        return try fields.encoded(document: transCode)
    }
}
