import BankGateCore
/// `[server]`: where the HTTP API listens and where bankgate keeps its data.
public struct ServerConfig: Sendable {
    /// Address to bind, without brackets for IPv6 (`127.0.0.1`, `::1`, `0.0.0.0`, a host name).
    public var host: String
    /// TCP port, 1–65535; 0 lets the system choose a free one (tests).
    public var port: Int
    /// `data_dir`, absolute (resolved against the configuration's base directory).
    public var dataDirectory: String
    /// `max_body_bytes`: the largest request body the API accepts.
    public var maxBodyBytes: Int
    /// `database`: a `postgres://user@host:port/database[?schema=name]` URL to keep the store in
    /// PostgreSQL (several instances may share it); `nil` (the default): SQLite, `bankgate.sqlite`
    /// in the data folder. A password is best left out of the file: PostgreSQL's `PGPASSWORD`
    /// variable is read when the URL has none.
    public var database: String?
    /// `instance_id`: this instance's name among those sharing a PostgreSQL store: stable across its
    /// restarts, unique among them. Default: the host name and the API port.
    public var instanceId: String?
    /// `lease_seconds`: how long work an instance took stays its own without renewal, that is how
    /// long the others wait before taking over the sends of one that died. Default 30.
    public var leaseSeconds = 30

    /// `max_archive_unpacked_bytes`: what the members of one ZIP statement upload may unpack to, together.
    public var maxArchiveUnpackedBytes: Int

    /// `secret_key_env`: the environment variable holding the key that seals webhook secrets in the
    /// database (64 hexadecimal digits). Default `BANKGATE_SECRET_KEY`.
    public var secretKeyEnvironmentVariable: String
    /// `secret_key_file`: where the key is read from when that variable is not set, created (0600,
    /// random) when missing. Default `secret.key` in the data folder.
    public var secretKeyFile: String

    /// `idle_timeout_ms`: a connection with no request under way is closed after this long.
    public var idleTimeoutMilliseconds: Int
    /// `header_timeout_ms`: a request's head (request line and headers) must arrive within this
    /// long of its first byte, or the connection is cut.
    public var headerTimeoutMilliseconds: Int
    /// `body_timeout_ms`: a request's body must arrive whole within this long of its head, or the
    /// connection is cut.
    public var bodyTimeoutMilliseconds: Int
    /// `max_connections`: API connections open at once; one more is answered 503 and closed.
    /// `nil`: ``defaultMaxConnections``, and in any case no more than the open-file limit allows
    /// beside the store, the banks and the inbox (see ``effectiveMaxConnections(openFileLimit:)``).
    public var maxConnections: Int?
    /// `metrics_public`: `GET /metrics` answers without a token (for Prometheus scrapers that
    /// carry none; keep the port private then). Default false: a token with `operate`.
    public var metricsPublic = false
    /// `tls_*`: HTTPS for the API and, with `tls_client_ca`, client certificates; `nil`: plain HTTP.
    public var tls: APITLSConfig?
    /// `shutdown_grace_seconds`: on SIGTERM, how long sends in flight may take to finish before the
    /// daemon stops anyway (they stay recorded as sent, and the next start asks the bank).
    public var shutdownGraceSeconds = ServerConfig.defaultShutdownGraceSeconds
    /// Default of `shutdown_grace_seconds`: 20 s.
    public static let defaultShutdownGraceSeconds = 20

    /// Default of `idle_timeout_ms`: 60 s.
    public static let defaultIdleTimeoutMilliseconds = 60_000
    /// Default of `header_timeout_ms`: 10 s.
    public static let defaultHeaderTimeoutMilliseconds = 10_000
    /// Default of `body_timeout_ms`: 30 s.
    public static let defaultBodyTimeoutMilliseconds = 30_000
    /// Default of `max_connections`, when the open-file limit allows it.
    public static let defaultMaxConnections = 1_024
    /// File descriptors kept for everything but API connections: the database and its WAL, the
    /// bank transports' connections, inbox and outbox folders, webhook deliveries, logs.
    public static let reservedFileDescriptors = 256

    /// Default of `secret_key_env`.
    public static let defaultSecretKeyEnvironmentVariable = "BANKGATE_SECRET_KEY"

    /// Default of `max_body_bytes`: 1 MiB.
    public static let defaultMaxBodyBytes = 1_048_576
    /// Default of `max_archive_unpacked_bytes`: 512 MiB.
    public static let defaultMaxArchiveUnpackedBytes = 512 << 20

    /// Server settings; no checks are made here.
    public init(host: String, port: Int, dataDirectory: String, maxBodyBytes: Int = ServerConfig.defaultMaxBodyBytes,
                maxArchiveUnpackedBytes: Int = ServerConfig.defaultMaxArchiveUnpackedBytes,
                idleTimeoutMilliseconds: Int = ServerConfig.defaultIdleTimeoutMilliseconds,
                headerTimeoutMilliseconds: Int = ServerConfig.defaultHeaderTimeoutMilliseconds,
                bodyTimeoutMilliseconds: Int = ServerConfig.defaultBodyTimeoutMilliseconds,
                maxConnections: Int? = nil,
                secretKeyEnvironmentVariable: String = ServerConfig.defaultSecretKeyEnvironmentVariable,
                secretKeyFile: String? = nil) {
        self.secretKeyEnvironmentVariable = secretKeyEnvironmentVariable
        self.secretKeyFile = secretKeyFile ?? dataDirectory + "/secret.key"
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.maxBodyBytes = maxBodyBytes
        self.maxArchiveUnpackedBytes = maxArchiveUnpackedBytes
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.headerTimeoutMilliseconds = headerTimeoutMilliseconds
        self.bodyTimeoutMilliseconds = bodyTimeoutMilliseconds
        self.maxConnections = maxConnections
    }

    /// The connection limit in force under an open-file limit of `openFileLimit` (the soft
    /// `RLIMIT_NOFILE`): `max_connections` (or the default), but never more than the limit minus
    /// ``reservedFileDescriptors``, and at least 1.
    public func effectiveMaxConnections(openFileLimit: Int) -> Int {
        let wanted = maxConnections ?? Self.defaultMaxConnections
        return max(1, min(wanted, openFileLimit - Self.reservedFileDescriptors))
    }

    /// The keys of `[server]`.
    static let keys = ["listen", "data_dir", "max_body_bytes", "max_archive_unpacked_bytes", "secret_key_env", "secret_key_file",
                       "idle_timeout_ms", "header_timeout_ms", "body_timeout_ms", "max_connections",
                       "metrics_public", "shutdown_grace_seconds", "database", "instance_id", "lease_seconds"] + APITLSConfig.keys

    static func decode(_ reader: TableReader, baseDirectory: String) -> ServerConfig {
        var host = "", port = 0
        if let listen = reader.string("listen", required: true) {
            switch ListenAddress.parse(listen.value, allowsAnyPort: true) {
            case .success(let address): (host, port) = (address.host, address.port)
            case .failure(let failure): reader.report("listen", failure.message, line: listen.line)
            }
        }
        let dataDirectory = DirectoryKey.read("data_dir", from: reader, required: true, baseDirectory: baseDirectory) ?? ""
        let maxBodyBytes = reader.integer("max_body_bytes", default: defaultMaxBodyBytes, range: 1_024...268_435_456)
        let maxArchiveBytes = reader.integer("max_archive_unpacked_bytes", default: defaultMaxArchiveUnpackedBytes,
                                             range: 1_048_576...4_294_967_295)
        var secretKeyVariable = defaultSecretKeyEnvironmentVariable
        if let variable = reader.string("secret_key_env", required: false) {
            if variable.value.isEmpty || !variable.value.utf8.allSatisfy({ ASCII.isBareKey($0) }) {
                reader.report("secret_key_env", "must be an environment variable name such as BANKGATE_SECRET_KEY", line: variable.line)
            } else {
                secretKeyVariable = variable.value
            }
        }
        let secretKeyFile = reader.string("secret_key_file", required: false).map { ConfigPath.resolve($0.value, against: baseDirectory) }
        var server = ServerConfig(
            host: host, port: port, dataDirectory: dataDirectory, maxBodyBytes: maxBodyBytes,
            maxArchiveUnpackedBytes: maxArchiveBytes,
            idleTimeoutMilliseconds: reader.integer("idle_timeout_ms", default: defaultIdleTimeoutMilliseconds, range: 100...3_600_000),
            headerTimeoutMilliseconds: reader.integer("header_timeout_ms", default: defaultHeaderTimeoutMilliseconds, range: 100...600_000),
            bodyTimeoutMilliseconds: reader.integer("body_timeout_ms", default: defaultBodyTimeoutMilliseconds, range: 100...3_600_000),
            maxConnections: reader.optionalInteger("max_connections", range: 1...1_000_000),
            secretKeyEnvironmentVariable: secretKeyVariable, secretKeyFile: secretKeyFile)
        server.tls = APITLSConfig.decode(reader, baseDirectory: baseDirectory)
        server.metricsPublic = reader.bool("metrics_public", default: false)
        server.shutdownGraceSeconds = reader.integer("shutdown_grace_seconds", default: defaultShutdownGraceSeconds, range: 1...3_600)
        if let database = reader.string("database", required: false) {
            if let problem = PostgresLocation.problem(url: database.value) {
                reader.report("database", problem, line: database.line)
            } else {
                server.database = database.value
            }
        }
        if let instance = reader.string("instance_id", required: false) {
            if instance.value.isEmpty || instance.value.utf8.count > 64 || !instance.value.utf8.allSatisfy({ ASCII.isBareKey($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) {
                reader.report("instance_id", "must be 1–64 letters, digits, '-', '_', '.' or ':'", line: instance.line)
            } else {
                server.instanceId = instance.value
            }
        }
        server.leaseSeconds = reader.integer("lease_seconds", default: 30, range: 2...3_600)
        return server
    }
}

/// Parses `listen`: `host:port`, with IPv6 addresses in brackets (`[::1]:8080`).
enum ListenAddress {
    struct Failure: Error {
        var message: String
    }

    static func parse(_ text: String, allowsAnyPort: Bool = false) -> Result<(host: String, port: Int), Failure> {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(Failure(message: "has [ without ]; write IPv6 addresses as [::1]:8080"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { return .failure(Failure(message: "needs :port after the ] of the IPv6 address, as in [::1]:8080")) }
            portText = rest.dropFirst()
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(Failure(message: "\"\(host)\" inside [ ] is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(Failure(message: "must be host:port, such as 127.0.0.1:8080"))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return .failure(Failure(message: "write IPv6 addresses in brackets, such as [::1]:8080")) }
            guard !host.isEmpty, host.utf8.allSatisfy({ ASCII.isBareKey($0) && $0 != UInt8(ascii: "_") || $0 == ASCII.dot }) else {
                return .failure(Failure(message: "host \"\(host)\" must be an IP address or a host name, such as 127.0.0.1:8080"))
            }
        }
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), ((allowsAnyPort ? 0 : 1)...65535).contains(port) else {
            let range = allowsAnyPort ? "0 to 65535 (0: any free port)" : "1 to 65535"
            return .failure(Failure(message: "port \"\(portText)\" must be a number from \(range)"))
        }
        return .success((String(host), port))
    }
}

/// Reads a directory key (`data_dir`, `outbox_dir`, `inbox_dir`) and resolves it.
enum DirectoryKey {
    static func read(_ key: String, from reader: TableReader, required: Bool, baseDirectory: String) -> String? {
        guard let value = reader.string(key, required: required) else { return nil }
        guard !value.value.isEmpty, !value.value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            reader.report(key, "must be a non-empty path without control characters", line: value.line)
            return nil
        }
        return ConfigPath.resolve(value.value, against: baseDirectory)
    }
}
