import Foundation

/// `bankgate-bench gen --count N --out-dir DIR`: writes the sample payments as
/// `payments.jsonl` (one request body a line: the intake peers) and `payments.json` (a JSON array
/// with `end_to_end_id`s: `bankgate messages render` and the sepaxml peer).
enum Generate {
    static func run(_ options: Options) throws {
        let count = try options.int("count", default: 10_000)
        let directory = try options.string("out-dir")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var lines = ""
        var array = "["
        for index in 0..<count {
            let body = SampleData.requestBody(index)
            lines += body + "\n"
            if index > 0 { array += ",\n" }
            // Same body plus the end-to-end id the in-process pain.001 benchmark uses.
            array += String(body.dropLast()) + ",\"end_to_end_id\":\"\(SampleData.endToEndId(index))\"}"
        }
        array += "]\n"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: directory + "/payments.jsonl"))
        try Data(array.utf8).write(to: URL(fileURLWithPath: directory + "/payments.json"))
        print("wrote \(count) payments to \(directory)/payments.jsonl and payments.json")
    }
}
