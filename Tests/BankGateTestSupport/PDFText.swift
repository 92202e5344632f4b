public import Foundation

/// A PDF that `pdftotext` (Debian's poppler-utils) cannot read, or a machine without it.
public struct PDFTextUnavailable: Error, CustomStringConvertible {
    public var description: String
}

/// The text `pdftotext` reads from `pdf` (UTF-8), without white space when `squeezed` (a value wrapped
/// in its table cell then reads as one; page breaks are kept as form feeds).
public func pdfText(_ pdf: [UInt8], squeezed: Bool = false) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
        throw PDFTextUnavailable(description: "pdftotext is not installed (Debian's poppler-utils; make installs it)")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pdftext-\(UUID().uuidString).pdf")
    try Data(pdf).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = ["-enc", "UTF-8", file.path, "-"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw PDFTextUnavailable(description: "pdftotext exited with \(process.terminationStatus)")
    }
    let text = String(decoding: data, as: UTF8.self)
    return squeezed ? String(text.filter { !$0.isWhitespace || $0 == "\u{0C}" }) : text
}
