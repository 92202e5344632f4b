import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The simulated client's FTP server (`--ftp-listen`): the little of RFC 959 (and RFC 2428's EPSV)
/// that a passive-mode client such as libcurl uses to fetch and store whole files in one folder —
/// `USER`, `PASS`, `PWD`, `CWD`, `TYPE`, `EPSV`, `PASV`, `SIZE`, `RETR`, `STOR`, `NOOP`, `QUIT`.
///
/// Blocking sockets on threads of its own, one per control connection; a data connection is
/// accepted on the passive port the last `EPSV`/`PASV` opened. File names are plain names (ASCII
/// letters, digits, `.`, `_`, `-`, no leading dot), sub-folders by `CWD` only; nothing is followed
/// through a symbolic link. A stored file is written under a temporary name and renamed.
final class SimulatorFTPServer: @unchecked Sendable {
    /// The bound port.
    let port: Int
    /// The folder served: `/` of every session.
    let root: String
    private let listener: Int32
    private let user: String
    private let password: String
    private let logger: Logger
    private let closed = Atomic<Bool>(false)
    private let stopped = ListeningState()

    /// The largest file a `STOR` takes.
    static let maximumUploadBytes = 64 << 20
    /// How long a control connection may stay silent, and how long a data connection is waited for.
    static let idleSeconds = 60
    static let dataConnectionMilliseconds: Int32 = 10_000

    /// Binds `address` now (port 0 picks a free port) for `root`, which must exist.
    static func bind(_ address: ListenAddress, root: String, user: String, password: String,
                     logger: Logger) throws(BankSimulatorOptionsError) -> SimulatorFTPServer {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address.host, String(address.port), &hints, &list) == 0, let first = list else {
            throw BankSimulatorOptionsError("--ftp-listen: cannot resolve \(address.host)")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw BankSimulatorOptionsError("--ftp-listen: no socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw BankSimulatorOptionsError("--ftp-listen \(address): \(reason)")
        }
        return SimulatorFTPServer(listener: descriptor, port: Self.localPort(descriptor) ?? 0, root: root, user: user,
                                  password: password, logger: logger)
    }

    private init(listener: Int32, port: Int, root: String, user: String, password: String, logger: Logger) {
        self.listener = listener
        self.port = port
        self.root = root
        self.user = user
        self.password = password
        self.logger = logger
    }

    /// Accepts connections until graceful shutdown or cancellation.
    func serve() async {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "bank-sim-ftp"
        thread.start()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                _ = await stopped.wait()
            } onCancel: {
                self.close()
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Stops accepting; sessions under way end with their connection.
    func close() {
        closed.store(true, ordering: .releasing)
    }

    private func acceptLoop() {
        defer {
            Glibc.close(listener)
            stopped.finish(port: nil)
        }
        while !closed.load(ordering: .acquiring) {
            guard Self.wait(listener, for: Int16(POLLIN), milliseconds: 200) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let thread = Thread { [self] in
                var session = FTPSession(control: connection, server: self)
                session.run()
                Glibc.close(connection)
            }
            thread.name = "bank-sim-ftp-session"
            thread.start()
        }
    }

    /// Whether `user` and `password` log in.
    func accepts(user: String?, password: String) -> Bool { user == self.user && password == self.password }

    func log(_ message: String, _ metadata: Logger.Metadata) { logger.debug("\(message)", metadata: metadata) }

    // MARK: - Sockets

    /// The local port of `descriptor`.
    static func localPort(_ descriptor: Int32) -> Int? {
        guard let (storage, _) = localAddress(descriptor) else { return nil }
        return withUnsafeBytes(of: storage) { raw -> Int in
            if Int32(storage.ss_family) == AF_INET6 {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }

    static func localAddress(_ descriptor: Int32) -> (sockaddr_storage, socklen_t)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? (storage, length) : nil
    }

    /// Waits until `socket` is ready for `events`; `false` on timeout or error.
    static func wait(_ socket: Int32, for events: Int16, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let result = poll(&descriptor, 1, milliseconds)
            if result < 0 && errno == EINTR { continue }
            return result > 0
        }
    }
}

/// One control connection.
private struct FTPSession {
    let control: Int32
    let server: SimulatorFTPServer
    private var buffered: [UInt8] = []
    private var pendingUser: String?
    private var loggedIn = false
    /// The current folder below the root, one plain name per level.
    private var folder: [String] = []
    /// The listening socket of the last EPSV/PASV, waiting for its data connection.
    private var passive: Int32?

    init(control: Int32, server: SimulatorFTPServer) {
        self.control = control
        self.server = server
    }

    mutating func run() {
        var timeout = timeval(tv_sec: SimulatorFTPServer.idleSeconds, tv_usec: 0)
        setsockopt(control, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        defer { closePassive() }
        reply(220, "bankgate bank-sim: the ABC client's files")
        while let line = readLine() {
            let space = line.firstIndex(of: " ")
            let verb = String(line[..<(space ?? line.endIndex)]).uppercased()
            let argument = space.map { String(line[line.index(after: $0)...]) } ?? ""
            if !handle(verb, argument) { return }
        }
    }

    /// Answers one command; `false` to end the session.
    private mutating func handle(_ verb: String, _ argument: String) -> Bool {
        switch verb {
        case "USER":
            pendingUser = argument
            loggedIn = false
            reply(331, "password required")
            return true
        case "PASS":
            loggedIn = server.accepts(user: pendingUser, password: argument)
            reply(loggedIn ? 230 : 530, loggedIn ? "logged in" : "login incorrect")
            return true
        case "QUIT":
            reply(221, "goodbye")
            return false
        case "NOOP":
            reply(200, "ok")
            return true
        default:
            break
        }
        guard loggedIn else {
            reply(530, "log in with USER and PASS")
            return true
        }
        switch verb {
        case "PWD": reply(257, "\"/\(folder.joined(separator: "/"))\" is the current directory")
        case "CWD": changeFolder(argument)
        case "TYPE": reply(200, "type set")
        case "EPSV", "PASV": openPassive(extended: verb == "EPSV")
        case "SIZE":
            guard let path = filePath(argument) else { return true }
            if let size = Self.regularFileSize(path) { reply(213, String(size)) } else { reply(550, "no such file") }
        case "RETR": retrieve(argument)
        case "STOR": store(argument)
        default: reply(502, "\(verb) is not implemented")
        }
        return true
    }

    private mutating func changeFolder(_ argument: String) {
        var target = argument.hasPrefix("/") ? [] : folder
        for part in argument.split(separator: "/") where part != "." {
            guard SimulatorFTPServer.isPlainName(String(part)) else {
                reply(550, "not a folder name")
                return
            }
            target.append(String(part))
        }
        var info = stat()
        let path = ([server.root] + target).joined(separator: "/")
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            reply(550, "no such folder")
            return
        }
        folder = target
        reply(250, "folder changed")
    }

    /// The path of the plain file name `name` in the current folder, or `nil` after a 553 reply.
    private func filePath(_ name: String) -> String? {
        guard SimulatorFTPServer.isPlainName(name) else {
            reply(553, "not a plain file name")
            return nil
        }
        return ([server.root] + folder + [name]).joined(separator: "/")
    }

    private mutating func openPassive(extended: Bool) {
        closePassive()
        guard let local = SimulatorFTPServer.localAddress(control) else {
            reply(425, "cannot open a passive port")
            return
        }
        var address = local.0
        let length = local.1
        let family = Int32(address.ss_family)
        if !extended && family != AF_INET {
            reply(522, "PASV is for IPv4: use EPSV")
            return
        }
        withUnsafeMutableBytes(of: &address) { raw in
            if family == AF_INET6 { raw.storeBytes(of: 0, toByteOffset: MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)!, as: UInt16.self) }
            else { raw.storeBytes(of: 0, toByteOffset: MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!, as: UInt16.self) }
        }
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 1) == 0, let port = SimulatorFTPServer.localPort(descriptor) else {
            if descriptor >= 0 { close(descriptor) }
            reply(425, "cannot open a passive port")
            return
        }
        passive = descriptor
        if extended {
            reply(229, "Entering Extended Passive Mode (|||\(port)|)")
        } else {
            let host = withUnsafeBytes(of: address) { raw in
                withUnsafeBytes(of: raw.load(as: sockaddr_in.self).sin_addr.s_addr) { Array($0) }
            }
            let numbers = host.map(String.init) + [String(port >> 8), String(port & 0xFF)]
            reply(227, "Entering Passive Mode (\(numbers.joined(separator: ",")))")
        }
    }

    private mutating func closePassive() {
        if let passive { close(passive) }
        passive = nil
    }

    /// The data connection of the last EPSV/PASV (closing its listener), or `nil` after a 425 reply.
    private mutating func dataConnection() -> Int32? {
        guard let listener = passive else {
            reply(425, "use EPSV or PASV first")
            return nil
        }
        defer { closePassive() }
        guard SimulatorFTPServer.wait(listener, for: Int16(POLLIN), milliseconds: SimulatorFTPServer.dataConnectionMilliseconds) else {
            reply(425, "no data connection")
            return nil
        }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else {
            reply(425, "no data connection")
            return nil
        }
        return connection
    }

    private mutating func retrieve(_ name: String) {
        guard let path = filePath(name) else { return }
        guard Self.regularFileSize(path) != nil, let bytes = FileManager.default.contents(atPath: path) else {
            closePassive()
            reply(550, "no such file")
            return
        }
        reply(150, "opening BINARY mode data connection for \(name) (\(bytes.count) bytes)")
        guard let data = dataConnection() else { return }
        let sent = Self.writeAll(data, Array(bytes))
        close(data)
        reply(sent ? 226 : 426, sent ? "transfer complete" : "transfer aborted")
        server.log("bank simulator FTP RETR", ["file": "\(name)", "bytes": "\(bytes.count)"])
    }

    private mutating func store(_ name: String) {
        guard let path = filePath(name) else { return }
        reply(150, "ok to send data")
        guard let data = dataConnection() else { return }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var complete = false
        while bytes.count <= SimulatorFTPServer.maximumUploadBytes {
            guard SimulatorFTPServer.wait(data, for: Int16(POLLIN), milliseconds: SimulatorFTPServer.dataConnectionMilliseconds) else { break }
            let count = chunk.withUnsafeMutableBytes { recv(data, $0.baseAddress!, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                complete = count == 0
                break
            }
            bytes += chunk[0..<count]
        }
        close(data)
        guard complete, bytes.count <= SimulatorFTPServer.maximumUploadBytes else {
            reply(426, "transfer aborted")
            return
        }
        let temporary = ([server.root] + folder + [".\(name).part"]).joined(separator: "/")
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)), rename(temporary, path) == 0 else {
            unlink(temporary)
            reply(451, "cannot store \(name)")
            return
        }
        reply(226, "transfer complete")
        server.log("bank simulator FTP STOR", ["file": "\(name)", "bytes": "\(bytes.count)"])
    }

    // MARK: - Control connection

    private mutating func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffered[..<newline])
                buffered.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard buffered.count < 4096 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = chunk.withUnsafeMutableBytes { recv(control, $0.baseAddress!, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffered += chunk[0..<count]
        }
    }

    private func reply(_ code: Int, _ text: String) {
        _ = Self.writeAll(control, Array("\(code) \(text)\r\n".utf8))
    }

    static func writeAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }

    /// The size of the regular file at `path` (not through a link), or `nil`.
    static func regularFileSize(_ path: String) -> Int64? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}

extension SimulatorFTPServer {
    /// A plain file or folder name: 1 to 200 ASCII letters, digits, `.`, `_`, `-`, no leading dot.
    static func isPlainName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 200, bytes[0] != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
