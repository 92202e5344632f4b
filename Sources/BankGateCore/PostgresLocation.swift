/// Where a PostgreSQL store is: the server, the database and (optionally) the schema whose tables
/// it uses. Written as a URL in configuration: `postgres://user[:password]@host[:port]/database[?schema=name]`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The schema the store's tables live in; `nil` for the user's default (`public`).
    public var schema: String?

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String, schema: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
    }

    /// Reads a `postgres://` (or `postgresql://`) URL; `nil` when it is not one this store can use
    /// (see ``problem(url:)`` for why).
    public init?(url: String) {
        guard case .success(let location) = Self.parse(url) else { return nil }
        self = location
    }

    /// What is wrong with `url` as a store's URL, in words for a configuration error; `nil` when
    /// it can be used. The configuration check and the daemon read URLs with this one parser.
    public static func problem(url: String) -> String? {
        if case .failure(let problem) = parse(url) { return problem.text }
        return nil
    }

    private struct Problem: Error { var text: String }

    private static func parse(_ url: String) -> Result<PostgresLocation, Problem> {
        let shape = Problem(text: "must be a PostgreSQL URL such as postgres://bankgate@127.0.0.1:5432/bankgate (leave it out for SQLite)")
        let scheme: Substring
        if url.hasPrefix("postgres://") { scheme = "postgres://" } else if url.hasPrefix("postgresql://") { scheme = "postgresql://" } else {
            return .failure(shape)
        }
        var rest = url.dropFirst(scheme.count)
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { return .failure(shape) }
        let database = rest[rest.index(after: slash)...]
        var authority = rest[..<slash]
        var username = "postgres"
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                username = String(credentials[..<colon]).removingPercentEncodingIfPossible
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncodingIfPossible
            } else {
                username = String(credentials).removingPercentEncodingIfPossible
            }
        }
        var host = String(authority)
        var port = 5432
        // `host:port`; a bracketed IPv6 address keeps its colons.
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let text = authority[authority.index(after: colon)...]
            guard let number = Int(text), (1...65535).contains(number) else {
                return .failure(Problem(text: "has the port \"\(text)\": a port is a number from 1 to 65535"))
            }
            host = String(authority[..<colon])
            port = number
        }
        guard !host.isEmpty, !database.isEmpty, !username.isEmpty else { return .failure(shape) }
        var schema: String?
        for pair in query.split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1)
            if field.count == 2, field[0] == "schema" { schema = String(field[1]) }
        }
        if let schema, !PostgresLocation.isPlainName(schema) {
            return .failure(Problem(text: "has the schema \"\(schema)\": a schema is a plain name (lowercase letters, digits and _, "
                                    + "not starting with a digit, at most 63)"))
        }
        return .success(PostgresLocation(host: host, port: port, username: username, password: password, database: String(database),
                                         schema: schema))
    }

    /// The same server and database with another schema.
    public func inSchema(_ schema: String) -> PostgresLocation {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// The URL without the password.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// Whether `name` is a lower-case identifier PostgreSQL needs no quotes for (all the store
    /// accepts as a schema name, so it can be written into `SET search_path` as is).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || first == UInt8(ascii: "_"),
              name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}

extension String {
    /// `%XX` escapes decoded (user names and passwords in URLs); the string itself when one is malformed.
    fileprivate var removingPercentEncodingIfPossible: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return self }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
