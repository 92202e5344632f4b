import BankGateTestSupport
import Foundation

/// The `bankgate` executable built beside the tests (`swift build --build-tests`), run as a process.
enum BankGateExecutable {
    /// The project's root folder.
    static let root = projectRoot

    /// The executable's path.
    static var path: String {
        get throws {
            let candidates = [
                Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bankgate").path,
                root.appendingPathComponent(".build/debug/bankgate").path,
            ]
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw HarnessError("bankgate executable not found (run `swift build` first): \(candidates)")
            }
            return found
        }
    }

    /// Runs `bankgate` with `arguments` to its end; returns exit status, standard output and standard error.
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}
