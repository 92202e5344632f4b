import BankGateCore
import BankGateSimulator
import BankGateTransport
import Foundation
import Logging
import ServiceLifecycle
import XCTest

/// The FTP client (libcurl, passive mode) against the ABC simulator's FTP server: whole files both
/// ways, bounded downloads, and typed refusals that never carry the password.
final class FTPFileTransferTests: XCTestCase {
    /// Runs `body` against a simulator of profile abc serving its client's folder by FTP.
    private func withFTPServer(_ body: (_ url: String, _ folder: String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-ftp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           tcpListen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory.appendingPathComponent("sim").path, profile: "abc",
                                           ftpListen: ListenAddress(host: "127.0.0.1", port: 0))
        let service = try BankSimulatorService(options: options, clock: GatewayHarness.clock, logger: GatewayHarness.logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [ServiceGroupConfiguration.ServiceConfiguration(service: service)], logger: GatewayHarness.logger))
        let task = Task { try await group.run() }
        do {
            guard let port = await service.waitUntilFTPListening() else { throw HarnessError("no FTP port") }
            try await body("ftp://127.0.0.1:\(port)/", options.clientFileDirectory)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    private static let printed = try? SimulatorProfiles.gatewayConfiguration(
        profile: "abc", listen: ListenAddress(host: "127.0.0.1", port: 1), tcpListen: ListenAddress(host: "127.0.0.1", port: 2),
        ftpListen: ListenAddress(host: "127.0.0.1", port: 3), dataDirectory: "d")

    /// The login the simulator prints (`file_user`, and the password on its `# export` line).
    private static var login: (user: String, password: String) {
        let lines = (printed ?? "").split(separator: "\n")
        let user = lines.first { $0.hasPrefix("file_user = ") }.map { String($0.dropFirst("file_user = ".count)).replacingOccurrences(of: "\"", with: "") }
        let password = lines.first { $0.hasPrefix("# export BANKGATE_ABC_FTP_PASSWORD=") }
            .map { String($0.dropFirst("# export BANKGATE_ABC_FTP_PASSWORD=".count)) }
        return (user ?? "", password ?? "")
    }

    private func client(_ url: String, password: String? = nil) throws -> FTPFileTransfer {
        try FTPFileTransfer(url: url, user: Self.login.user, password: password ?? Self.login.password,
                            connectTimeoutMilliseconds: 2_000, transferTimeoutMilliseconds: 10_000)
    }

    func testAFileGoesUpAndComesBackWhole() async throws {
        XCTAssertNotNil(Self.printed, "--print-config with --ftp-listen")
        try await withFTPServer { url, folder in
            let transfer = try client(url)
            // GBK bytes, a CR LF, a NUL: binary mode, nothing translated.
            let bytes: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD, 0x20, 0x0D, 0x0A, 0x00] + Array(repeating: 0x41, count: 300_000)
            try await transfer.upload("BGM1.1101020304050607_0001.20261123", bytes: bytes)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/BGM1.1101020304050607_0001.20261123"))), bytes,
                           "in the client's folder as sent")
            try await transfer.upload("BGM1.1101020304050607_0001.20261123", bytes: bytes)
            let back = try await transfer.download("BGM1.1101020304050607_0001.20261123", maximumBytes: 1 << 20)
            XCTAssertTrue(back == bytes)
            try await transfer.upload("empty.txt", bytes: [])
            let empty = try await transfer.download("empty.txt", maximumBytes: 10)
            XCTAssertEqual(empty, [])
        }
    }

    func testFailuresAreTypedAndTheDownloadBounded() async throws {
        try await withFTPServer { url, folder in
            try Data(repeating: 0x42, count: 5_000).write(to: URL(fileURLWithPath: folder + "/big.det"))
            let transfer = try client(url)
            await assertFails(.tooLarge) { _ = try await transfer.download("big.det", maximumBytes: 4_999) }
            await assertFails(.notFound) { _ = try await transfer.download("missing.det", maximumBytes: 100) }
            await assertFails(.invalidName) { _ = try await transfer.download("../sim/sim.sqlite", maximumBytes: 100) }
            let wrong = try client(url, password: "not-the-password")
            let error = await assertFails(.refused) { _ = try await wrong.download("big.det", maximumBytes: 10_000) }
            XCTAssertFalse(error?.description.contains("not-the-password") ?? true, "\(String(describing: error))")
            XCTAssertFalse("\(wrong)".contains("not-the-password"))
        }
        let closed = try RefusingPort()
        defer { closed.close() }
        let unreachable = try client("ftp://127.0.0.1:\(closed.port)/")
        await assertFails(.unreachable) { try await unreachable.upload("a.txt", bytes: [1]) }
        XCTAssertThrowsError(try FTPFileTransfer(url: "ftp://user:secret@127.0.0.1/", user: nil, password: nil,
                                                 connectTimeoutMilliseconds: 1_000, transferTimeoutMilliseconds: 1_000))
        XCTAssertThrowsError(try FTPFileTransfer(url: "http://127.0.0.1/", user: nil, password: nil,
                                                 connectTimeoutMilliseconds: 1_000, transferTimeoutMilliseconds: 1_000))
    }

    @discardableResult
    private func assertFails(_ kind: FileTransferError.Kind, line: UInt = #line,
                             _ body: () async throws -> Void) async -> FileTransferError? {
        do {
            try await body()
            XCTFail("expected \(kind)", line: line)
        } catch let error as FileTransferError {
            XCTAssertEqual(error.kind, kind, "\(error)", line: line)
            return error
        } catch {
            XCTFail("unexpected \(error)", line: line)
        }
        return nil
    }
}

/// ABC's payroll through the engine: the `CFRT03` data file uploaded to the client (by FTP or into
/// its folder), then the request; every line takes the batch's result; an upload that fails is a
/// request that is not sent.
final class ABCPayrollTests: XCTestCase {
    static func line(_ name: String, _ account: String, _ amount: String) -> [String: Any] {
        ["debtor_account": "abc-sim-bj", "amount": amount, "currency": "CNY", "same_bank": true,
         "creditor": ["name": name, "account": account, "bank_code": "103100000026"], "remittance_info": "11月工资"]
    }

    func testAPayrollIsItsFileThenOneCFRT03AndEveryLineCompletes() async throws {
        try await Conformance.withProfile(profile: "abc", faults: FaultSettings(seed: 5, dropAfterExecuteRate: 1)) { harness in
            let created = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [
                Self.line("张三", "6228480010012345678", "8500.00"), Self.line("李四", "6228480010087654321", "9200.50"),
                Self.line("王五", "6228480010011112222", "7300.25"),
            ]], key: "abc-payroll-2026-11")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let payments = try XCTUnwrap(created.json["payments"] as? [[String: Any]])
            for payment in payments {
                let done = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { $0 == "completed" }
                XCTAssertEqual(done["attempts"] as? Int, 1, "the lost answer was asked about (CQRT04), not resent: \(done)")
                let path = (done["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
                XCTAssertTrue(path.contains("unknown"), "the answer was lost: \(path)")
            }
            let ledger = try await harness.ledger()
            let lines = ledger.compactMap { $0["end_to_end_id"] as? String }.filter { $0.contains("/") }
            XCTAssertEqual(lines.count, 3, "executed once each: \(ledger)")
            XCTAssertEqual(Set(lines.map { $0.split(separator: "/").first ?? "" }).count, 1, "one batch ReqSeqNo: \(lines)")
            let id = try XCTUnwrap(payments.first?["id"] as? String)
            let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
            let kinds = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            XCTAssertTrue(kinds.contains("ABC.CFRT03.file") && kinds.contains("ABC.CFRT03"), "the file, then the request: \(kinds)")
            XCTAssertEqual(kinds.firstIndex(of: "ABC.CFRT03"), kinds.firstIndex(of: "ABC.CFRT03.file").map { $0 - 1 },
                           "the request is archived before it leaves, the file just before its upload: \(kinds)")
            XCTAssertFalse(kinds.contains("ABC.CFRT02"), "not as transfers: \(kinds)")
            let folder = try XCTUnwrap(harness.clientFileDirectory)
            let uploaded = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".1101020304050607_0001.") }
            XCTAssertEqual(uploaded.count, 1, "the data file reached the client's folder by FTP: \(uploaded)")
        }
    }

    func testALineTheBankRefusesRefusesTheBatch() async throws {
        let cny = try XCTUnwrap(Currency(code: "CNY"))
        let closed = SimulatedAccount(number: "110101040099999", balance: Money(minorUnits: 0, currency: cny), status: .closed)
        try await Conformance.withProfile(profile: "abc", openAccounts: [closed], filesOverFTP: false) { harness in
            let created = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [
                Self.line("张三", "6228480010012345678", "100.00"), Self.line("赵六", "110101040099999", "200.00"),
            ]], key: "abc-payroll-closed")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let payments = try XCTUnwrap(created.json["payments"] as? [[String: Any]])
            for payment in payments {
                let done = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { ["rejected", "failed", "completed"].contains($0) }
                XCTAssertEqual(done["status"] as? String, "rejected", "the batch is refused whole: \(done)")
                XCTAssertEqual(done["attempts"] as? Int, 1)
            }
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 0, "nothing booked: \(ledger)")
        }
    }

    func testAFailedUploadSendsNoRequest() async throws {
        let closed = try RefusingPort()
        defer { closed.close() }
        try await Conformance.withProfile(profile: "abc", extraBankKeys: "max_attempts = 2", adjustPrinted: { printed in
            printed.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("file_transfer = ") ? "file_transfer = \"ftp://127.0.0.1:\(closed.port)/\"" : String(line)
            }.joined(separator: "\n")
        }) { harness in
            let created = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [
                Self.line("张三", "6228480010012345678", "100.00"),
            ]], key: "abc-payroll-no-upload")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let id = try XCTUnwrap((created.json["payments"] as? [[String: Any]])?.first?["id"] as? String)
            let done = try await harness.waitForPayment(id) { ["failed", "completed", "rejected"].contains($0) }
            XCTAssertEqual(done["status"] as? String, "failed", "\(done)")
            XCTAssertEqual(done["attempts"] as? Int, 2, "tried again, then given up: \(done)")
            let path = (done["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
            XCTAssertFalse(path.contains("unknown"), "nothing may have reached the bank: \(path)")
            XCTAssertTrue("\(done)".contains("upload"), "the reason names the upload: \(done)")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 0)
            let folder = try XCTUnwrap(harness.clientFileDirectory)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "no file reached the client")
        }
    }
}
