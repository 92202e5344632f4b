import BankGateAdapters
import BankGateCore
import BankGateXML

/// The bank side of CMB's front-end program (前置机) XML: reads what the gateway posts (`CMBSDKPGK` in
/// GBK, `INFO/FUNNAM`) and writes answers the way the one real published answer is written: a GBK
/// declaration, `INFO` and each record on one line, fields in alphabetical order. Pure; no I/O.
/// The shapes are in `adapters/cmb/SIMULATOR.md`.
enum CMBBankCodec {
    /// The largest request read, in bytes (the gateway reads answers up to the same size).
    static let maxRequestBytes = CMBAnswer.maxBytes

    /// A request as received.
    struct Request: Sendable {
        /// `INFO/FUNNAM`.
        var function: String
        /// `INFO/LGNNAM`, `nil` when absent or empty.
        var loginName: String?
        /// The records after `INFO`, in document order.
        var records: [XMLNode]

        /// The records named `name`.
        func records(_ name: String) -> [XMLNode] { records.filter { $0.name == name } }
    }

    /// One record of an answer: its name and fields (written in alphabetical order, empty values left out).
    struct Record: Hashable, Sendable {
        var name: String
        var fields: [String: String]
    }

    /// Reads a request: strict GBK (an XML declaration, when present, must name GBK, GB2312 or CP936),
    /// parsed by ``HardenedXML`` (no DTD, bounded size), root `CMBSDKPGK` with `INFO/FUNNAM`.
    /// - Throws: ``BankCodecError`` saying what is wrong, for `RETCOD=-3`.
    static func readRequest(_ bytes: [UInt8]) throws(BankCodecError) -> Request {
        let root = try ChineseXMLRequest.parse(bytes, maxBytes: maxRequestBytes, encoding: .gbk,
                                               declarable: ["GBK", "GB2312", "CP936"], expected: "GBK", field: "request")
        guard root.name == "CMBSDKPGK" else { throw BankCodecError("not a CMBSDKPGK request") }
        guard let info = root.child("INFO"), let function = text(info.child("FUNNAM")) else {
            throw BankCodecError("missing INFO/FUNNAM")
        }
        return Request(function: function, loginName: self.text(info.child("LGNNAM")),
                       records: root.children.filter { $0.name != "INFO" })
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }

    /// Writes an answer in GBK: the declaration, `INFO` (`DATTYP`, `ERRMSG`, `FUNNAM`, `LGNNAM`,
    /// `RETCOD`), then `records` and the `stored` record fragments (UTF-8 XML written by ``fragment(_:)``).
    static func answer(function: String, loginName: String?, returnCode: String, errorMessage: String = "",
                       records: [Record] = [], stored: [[UInt8]] = []) -> [UInt8] {
        var xml = XMLWriter(capacity: 512 + 400 * (records.count + stored.count))
        xml.open("CMBSDKPGK")
        xml.open("INFO")
        xml.element("DATTYP", "2")
        xml.element("ERRMSG", errorMessage)
        xml.element("FUNNAM", function)
        if let loginName { xml.element("LGNNAM", loginName) }
        xml.element("RETCOD", returnCode)
        xml.close("INFO")
        for record in records {
            xml.raw("\n")
            write(record, to: &xml)
        }
        for fragment in stored { xml.raw("\n" + String(decoding: fragment, as: UTF8.self)) }
        xml.raw("\n")
        xml.close("CMBSDKPGK")
        let utf8 = "<?xml version=\"1.0\" encoding=\"GBK\"?>\n" + String(decoding: xml.bytes, as: UTF8.self) + "\n"
        do {
            return try ChineseTextEncoding.gbk.encode(utf8, field: "answer")
        } catch {
            // Unreachable: every value came from a GBK request or from the simulator's own GBK text.
            return Array("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<CMBSDKPGK><INFO><DATTYP>2</DATTYP><ERRMSG></ERRMSG><FUNNAM>\(function.unicodeScalars.allSatisfy(\.isASCII) ? function : "")</FUNNAM><RETCOD>-9</RETCOD></INFO></CMBSDKPGK>\n".utf8)
        }
    }

    /// A record as a UTF-8 XML fragment, to be stored and written again by ``answer(function:loginName:returnCode:errorMessage:records:stored:)``.
    static func fragment(_ record: Record) -> [UInt8] {
        var xml = XMLWriter(capacity: 512)
        write(record, to: &xml)
        return xml.bytes
    }

    private static func write(_ record: Record, to xml: inout XMLWriter) {
        xml.open(record.name)
        for (name, value) in record.fields.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            xml.element(name, value)
        }
        xml.close(record.name)
    }

    /// `YYYYMMDD` of `instant` in China (UTC+8): CMB's operating and booking dates.
    static func chinaDate(_ instant: Timestamp) -> String {
        String(chinaDateTime(instant).prefix(8))
    }

    /// `YYYYMMDDHHMMSS` of `instant` in China (UTC+8).
    static func chinaDateTime(_ instant: Timestamp) -> String {
        let shifted = Timestamp(milliseconds: instant.milliseconds + 8 * 3_600_000).iso8601Seconds
        return String(shifted.unicodeScalars.filter { ("0"..."9").contains($0) }.prefix(14))
    }

    /// The day number (days since 1970-01-01) of a `YYYYMMDD` date, or `nil` when it is not a real date.
    static func dayNumber(_ text: String) -> Int64? {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let iso = String(text.prefix(4)) + "-" + String(text.dropFirst(4).prefix(2)) + "-" + String(text.suffix(2))
        return Timestamp.parseDate(iso).map { $0.milliseconds / 86_400_000 }
    }

    /// CMB's currency numbers (`CCYNBR`, 附录 A.3) by ISO code, of the currencies the gateway reads
    /// (``CMBAdapter/currencies`` turned around).
    static let currencyNumbers = Dictionary(uniqueKeysWithValues: CMBAdapter.currencies.map { ($0.value, $0.key) })
}
