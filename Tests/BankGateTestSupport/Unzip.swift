public import Foundation

/// Info-ZIP's `unzip` (Debian's `unzip`; make installs it), run as a process: a reader of ZIP
/// archives independent of bankgate's own code, for the tests of what bankgate writes.
public enum Unzip {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Extracts every entry of `archive` into `directory` (`unzip -q -o`).
    public static func extract(_ archive: URL, into directory: URL) throws {
        _ = try run(["-q", "-o", archive.path, "-d", directory.path])
    }

    /// The entry names of `archive`, in archive order (`unzip -Z1`).
    public static func names(_ archive: URL) throws -> [String] {
        try run(["-Z1", archive.path]).split(separator: "\n").map(String.init)
    }

    /// The bytes of one entry (`unzip -p`).
    public static func contents(of entry: String, in archive: URL) throws -> [UInt8] {
        Array(try runData(["-p", archive.path, entry]))
    }

    /// `unzip -t`: every entry's CRC checked; the tool's report.
    public static func test(_ archive: URL) throws -> String {
        try run(["-t", archive.path])
    }

    /// `unzip -Zv` for one entry: its compression method, as the tool reports it ("none (stored)", "deflated").
    public static func method(of entry: String, in archive: URL) throws -> String? {
        let report = try run(["-Zv", archive.path, entry])
        return report.split(separator: "\n").first { $0.contains("compression method:") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        String(decoding: try runData(arguments), as: UTF8.self)
    }

    static func runData(_ arguments: [String]) throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") else {
            throw Failure(description: "unzip is not installed (Debian's unzip; make installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "unzip \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return data
    }
}

/// The records of an RFC 4180 CSV text (quoted fields, doubled quotes, CRLF or LF line ends), for
/// tests reading what bankgate writes.
public func csvRecords(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text.unicodeScalars)[...]
    while let scalar = characters.popFirst() {
        if quoted {
            if scalar == "\"" {
                if characters.first == "\"" {
                    field.unicodeScalars.append("\"")
                    characters.removeFirst()
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(scalar)
            }
            continue
        }
        switch scalar {
        case "\"": quoted = true
        case ",":
            record.append(field)
            field = ""
        case "\r": break
        case "\n":
            record.append(field)
            records.append(record)
            record = []
            field = ""
        default: field.unicodeScalars.append(scalar)
        }
    }
    if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
    }
    return records
}
