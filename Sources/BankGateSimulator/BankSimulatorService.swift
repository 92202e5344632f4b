public import BankGateCore
import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle
import Synchronization

/// The bank simulator as a service: the HTTP server (with `listen`), the folder worker (with `inbox`
/// and `outbox`), or both, on one ledger; for a profile reached over TCP (ABC) also the raw TCP
/// listener (with `tcpListen`), bound before the HTTP server starts. `run()` serves until graceful shutdown, so it can run on its
/// own (`bankgate bank-sim`) or beside the gateway in one process (`bankgate serve --demo`).
public struct BankSimulatorService: Service, CustomStringConvertible {
    /// The options the service was made with (already validated).
    public let options: BankSimulatorOptions
    private let accounts: [SimulatedAccount]?
    private let clock: any WallClock
    private let logger: Logger
    private let listening: ListeningState
    private let tcpListening: ListeningState
    private let ftpListening: ListeningState

    /// Checks `options` and reads the accounts file; opens nothing yet (that happens in `run()`).
    /// - Throws: ``BankSimulatorOptionsError`` for invalid options or an unreadable accounts file.
    public init(options: BankSimulatorOptions, logger: Logger) throws {
        try self.init(options: options, clock: SystemClock(), logger: logger)
    }

    /// Like ``init(options:logger:)`` with an injected clock.
    public init(options: BankSimulatorOptions, clock: any WallClock, logger: Logger) throws {
        try options.validate()
        self.options = options
        accounts = try options.accountsFile.map { path throws(BankSimulatorOptionsError) in
            try AccountsFile.load(path: path)
        }
        self.clock = clock
        self.logger = logger
        listening = ListeningState()
        tcpListening = ListeningState()
        ftpListening = ListeningState()
    }

    /// The port the HTTP server is bound to, once it listens (useful with port 0); `nil` before.
    public var boundPort: Int? { listening.port }

    /// Waits until the HTTP server listens and returns its port. Returns `nil` when the service has
    /// no HTTP server or stopped before listening.
    public func waitUntilListening() async -> Int? {
        guard options.listen != nil else { return nil }
        return await listening.wait()
    }

    /// The port the raw TCP listener is bound to (`tcpListen`), once it listens; `nil` before or without one.
    public var boundTCPPort: Int? { tcpListening.port }

    /// Waits until the raw TCP listener is bound and returns its port. Returns `nil` when the service
    /// has no TCP listener or stopped before listening. It is bound before the HTTP server starts.
    public func waitUntilTCPListening() async -> Int? {
        guard options.tcpListen != nil else { return nil }
        return await tcpListening.wait()
    }

    /// Waits until the client's FTP server (`ftpListen`) is bound and returns its port; `nil` without
    /// one or when the service stopped first. It is bound before the HTTP server starts.
    public func waitUntilFTPListening() async -> Int? {
        guard options.ftpListen != nil else { return nil }
        return await ftpListening.wait()
    }

    public var description: String { "BankSimulatorService" }

    /// Opens the ledger, serves until graceful shutdown, then closes the ledger.
    public func run() async throws {
        let bank: SimulatedBank
        let profile: any SimulatorProfile
        do {
            profile = try SimulatorProfiles.require(options.profile).configured(for: options)
            let profileAccounts = profile.accounts.map(\.simulatedAccount)
            let opened = Set(options.openAccounts.map(\.number))
            bank = try await SimulatedBank.open(dataDirectory: options.dataDirectory, accounts: accounts,
                                                openAccounts: options.openAccounts + profileAccounts.filter { !opened.contains($0.number) },
                                                faults: options.faults, profile: profile.name, clock: clock, logger: logger)
        } catch {
            listening.finish(port: nil)
            tcpListening.finish(port: nil)
            ftpListening.finish(port: nil)
            throw error
        }
        defer {
            bank.close()
            listening.finish(port: nil)
            tcpListening.finish(port: nil)
            ftpListening.finish(port: nil)
        }
        var ftpServer: SimulatorFTPServer?
        if let login = profile.fileServerLogin {
            let folder = options.clientFileDirectory
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if let address = options.ftpListen {
                let server = try SimulatorFTPServer.bind(address, root: folder, user: login.user, password: login.password,
                                                         logger: logger)
                logger.info("bank simulator serving the client's files by FTP", metadata: [
                    "host": "\(address.host)", "port": "\(server.port)", "folder": "\(folder)"])
                ftpListening.finish(port: server.port)
                ftpServer = server
            }
        }
        var tcpListener: SimulatorTCPListener?
        if let address = options.tcpListen, let exchange = profile.tcpExchange(bank: bank) {
            let listener = try await SimulatorTCPListener.bind(address, exchange: exchange,
                                                               idleMilliseconds: 60_000 + options.faults.latencyMilliseconds,
                                                               logger: logger)
            logger.info("bank simulator accepting TCP", metadata: ["host": "\(address.host)",
                                                                   "port": "\(listener.port.map(String.init) ?? "?")"])
            tcpListening.finish(port: listener.port)
            tcpListener = listener
        }
        logger.info("bank simulator started", metadata: [
            "profile": "\(profile.name)", "data_dir": "\(options.dataDirectory)", "seed": "\(bank.seed)",
            "accounts": "\(accounts.map { "\($0.count) from file" } ?? "\(options.openAccounts.count + profile.accounts.count) opened at start, others on first use")",
        ])
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let tcpListener {
                group.addTask { try await tcpListener.serve() }
            }
            if let ftpServer {
                group.addTask { await ftpServer.serve() }
            }
            if let listen = options.listen {
                let listening = self.listening
                let logger = self.logger
                let application = Application(
                    router: SimulatorHTTPRoutes.router(bank: bank, profile: profile),
                    configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port),
                                                            serverName: "bankgate-bank-sim"),
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port
                        logger.info("bank simulator listening", metadata: ["host": "\(listen.host)",
                                                                           "port": "\(port.map(String.init) ?? "?")"])
                        listening.finish(port: port)
                    },
                    logger: logger)
                group.addTask { try await application.run() }
            }
            if let inbox = options.inbox, let outbox = options.outbox {
                let worker = SimulatorFolderWorker(bank: bank, inbox: inbox, outbox: outbox, logger: logger,
                                                   answer: { bytes in await profile.folderAnswer(bytes, bank: bank) })
                group.addTask { try await worker.run() }
            }
            try await group.waitForAll()
        }
    }
}

/// The bound port, published once, with the tasks waiting for it.
final class ListeningState: Sendable {
    private struct State {
        var done = false
        var port: Int?
        var waiters: [CheckedContinuation<Int?, Never>] = []
    }

    private let state = Mutex(State())

    var port: Int? { state.withLock { $0.port } }

    /// Records the port (or `nil` when the server stopped) and wakes the waiters; later calls are ignored.
    func finish(port: Int?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int?, Never>] in
            guard !state.done else { return [] }
            state.done = true
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The port, waiting for it if needed.
    func wait() async -> Int? {
        await withCheckedContinuation { continuation in
            let ready: Int?? = state.withLock { state in
                if state.done { return .some(state.port) }
                state.waiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
