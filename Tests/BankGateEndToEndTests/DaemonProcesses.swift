import BankGateTransport
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Real `bankgate` processes for a test (the simulator, the daemon), each logging to its own file in
/// the test's folder, their ports read from their logs (they listen on ports the system chose).
final class DaemonProcesses: @unchecked Sendable {
    let directory: URL
    private(set) var processes: [Process] = []

    init(label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Starts `bankgate arguments`, its output appended to `log`.
    func launch(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BankGateExecutable.path)
        process.arguments = arguments
        let logURL = directory.appendingPathComponent(log)
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.append(process)
        return process
    }

    /// The text of a log file so far.
    func log(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    /// The port in the first line of `log` holding `message` (`port=N`).
    func announcedPort(in log: String, message: String) async throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let line = self.log(log).split(separator: "\n").first(where: { $0.contains(message) }),
               let field = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
               let port = Int(field.dropFirst("port=".count)) {
                return port
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("no \"\(message)\" with a port in \(log): \(self.log(log))")
    }

    /// Waits until `log` holds `text`.
    func waitForLog(_ log: String, containing text: String, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !self.log(log).contains(text) {
            if Date() > deadline { throw HarnessError("\(log) never said \"\(text)\": \(self.log(log))") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for `process` to end, at most `seconds`; whether it ended.
    func waitForExit(_ process: Process, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Whether something accepts a new TCP connection on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Kills every process still running and removes the folder unless `keep`.
    func stop(keep: Bool) {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if !keep, ProcessInfo.processInfo.environment["BANKGATE_KEEP_TEST_DATA"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
