/// `application/x-www-form-urlencoded` as HTML forms and Java's `URLEncoder` write it: the form
/// bodies of ICBC's NetSafe Client and of CMB's cloud API.
enum HTMLForm {
    /// `name=value&…`, values percent-encoded byte by byte (unreserved: `A-Z a-z 0-9 - . _ *`;
    /// space as `+`).
    static func encode(_ fields: [(String, [UInt8])]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: "="))
            for byte in value {
                switch byte {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                    out.append(byte)
                case UInt8(ascii: " "):
                    out.append(UInt8(ascii: "+"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                }
            }
        }
        return out
    }
}
