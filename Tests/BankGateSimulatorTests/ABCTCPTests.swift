#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BankGateAdapters
import BankGateTestSupport
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

/// The ABC profile over a real socket: `--tcp-listen` for the client's port, one request per
/// connection read until its header's length is complete, the answer framed, then the close.
final class ABCTCPTests: XCTestCase {
    private func withService(faults: FaultSettings = FaultSettings(seed: 5),
                             _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           tcpListen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", faults: faults, profile: "abc")
        let service = try BankSimulatorService(options: options, clock: MiddayClock(), logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let httpPort = await service.waitUntilListening()
            let tcpPort = await service.waitUntilTCPListening()
            do {
                XCTAssertNotNil(httpPort, "the /sim side listens too")
                XCTAssertNotEqual(httpPort, tcpPort)
                try await body(try XCTUnwrap(tcpPort, "the TCP listener must report its port"))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Writes `chunks` one after the other on one connection, then reads until the server closes.
    private static func exchange(_ port: Int, _ chunks: [[UInt8]]) async throws -> [UInt8] {
        try await Task.detached { try RawTCPClient.exchange(port: port, chunks: chunks) }.value
    }

    func testARequestWrittenInPiecesIsAnsweredOnceWholeAndTheConnectionCloses() async throws {
        try await withService { port in
            let request = try ABCProfileTests.payment("BGITCP1", minorUnits: 4_200)
            let split = request.count / 3
            // The header alone, then the body in two pieces: the answer waits for the announced length.
            let answer = try await Self.exchange(port, [Array(request.prefix(3)), Array(request[3..<split]), Array(request[split...])])
            XCTAssertEqual(try ABCAnswer.read(answer).responseCode, "0000")
            let adapter = ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber, operatorNumber: ABCProfile.defaultOperatorNumber,
                                     provinceCodes: ["110101040012345": "11"])
            XCTAssertTrue(adapter.isCompleteAnswer(answer), "the transport stops reading at the frame's end")
            guard case .outcomes(let outcomes) = adapter.decodePaymentAnswer(answer, reference: "BGITCP1") else {
                return XCTFail("not an outcome")
            }
            XCTAssertEqual(outcomes.first?.status, .completed)

            let again = try await Self.exchange(port, [request])
            XCTAssertEqual(try ABCAnswer.read(again).responseCode, ABCCodesOfSimulator.duplicate)
            let status = try await Self.exchange(port, [try ABCProfileTests.statusQuery("BGITCP1")])
            guard case .outcomes(let asked) = adapter.decodePaymentAnswer(status, reference: "BGITCP1") else {
                return XCTFail("not an outcome")
            }
            XCTAssertEqual(asked.first?.status, .completed)
        }
    }

    func testABrokenHeaderIsAnsweredAsAFormatError() async throws {
        try await withService { port in
            let answer = try await Self.exchange(port, [Array("1x2    <ap/>".utf8)])
            XCTAssertEqual(try ABCAnswer.read(answer).responseCode, ABCCodesOfSimulator.formatError)
        }
    }

    func testALostAnswerIsAConnectionClosedWithoutAByte() async throws {
        try await withService(faults: FaultSettings(seed: 5, dropAfterExecuteRate: 1)) { port in
            let answer = try await Self.exchange(port, [try ABCProfileTests.payment("BGITCPDROP1", minorUnits: 100)])
            XCTAssertEqual(answer, [], "executed, then closed without an answer")
            let status = try await Self.exchange(port, [try ABCProfileTests.statusQuery("BGITCPDROP1")])
            XCTAssertTrue(try ABCAnswer.read(status).value("Cmp", "RespPrvData")?.hasSuffix("0000") ?? false,
                          "CQRT04 finds the executed transfer")
        }
    }
}

/// A tiny blocking TCP client: connect to 127.0.0.1, write, read until the server closes.
enum RawTCPClient {
    enum Failure: Error { case socket(String) }

    static func exchange(port: Int, chunks: [[UInt8]]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure.socket("connect") }
        for chunk in chunks {
            var sent = 0
            while sent < chunk.count {
                let count = chunk.withUnsafeBytes { send(fd, $0.baseAddress! + sent, chunk.count - sent, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw Failure.socket("send") }
                sent += count
            }
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count < 0 { throw Failure.socket("recv") }
            if count == 0 { return answer }
            answer += buffer[0..<count]
        }
    }
}
