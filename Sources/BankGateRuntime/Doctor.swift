public import BankGateConfig
public import BankGateCore
import BankGateAdapters
import BankGateCrypto
import BankGateEngine
import BankGateStore
import BankGateTransport
import Foundation

/// One line of `bankgate doctor`: what was checked, how it went, and what to do about it.
public struct DoctorFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable, Comparable {
        case ok, warn, fail

        public static func < (lhs: Level, rhs: Level) -> Bool {
            [Level.ok, .warn, .fail].firstIndex(of: lhs)! < [Level.ok, .warn, .fail].firstIndex(of: rhs)!
        }
    }

    public var level: Level
    /// `config`, `key <id>`, `certificate <file>`, `store`, `disk`, `clock`, `bank <id>`.
    public var check: String
    /// What was found and, when it is not ok, how to fix it.
    public var text: String

    public init(_ level: Level, _ check: String, _ text: String) {
        self.level = level
        self.check = check
        self.text = text
    }

    /// `ok    store  …`: the level padded to four, two spaces, the check, two spaces, the text.
    public var description: String {
        level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0) + "  \(check)  \(text)"
    }
}

/// `bankgate doctor`: checks what a running gateway depends on — the configuration, the signing keys
/// and certificates, the store, the disk, the clock — and reaches every configured bank with a
/// harmless query (a balance query, or a status query about a message that does not exist). Reads
/// only: it never migrates or writes the store, and sends no payment.
public struct Doctor: Sendable {
    let clock: any WallClock
    /// Where the keys' `passphrase_env` variables are read (the process's when nil).
    let environment: [String: String]?
    /// Free space in the data folder below this is a warning (1 GiB) …
    public var minimumFreeBytes: Int64 = 1 << 30
    /// … and so is less than this share of the file system (5 %).
    public var minimumFreeFraction = 0.05
    /// Certificates that expire within this many days are a warning.
    public var certificateWarningDays = SigningKeyInventory.warningDays

    public init(clock: any WallClock = SystemClock(), environment: [String: String]? = nil) {
        self.clock = clock
        self.environment = environment
    }

    /// Every check for the configuration file at `path`; only the configuration's line when it
    /// cannot be loaded.
    public func examine(configurationPath path: String) async -> [DoctorFinding] {
        let configuration: BankGateConfiguration
        do {
            configuration = try BankGateConfiguration.load(path: path)
        } catch {
            return [DoctorFinding(.fail, "config", "\(path) is not valid: \(error) — fix the lines named and run doctor again")]
        }
        return await examine(configuration)
    }

    /// Every check for a loaded configuration.
    public func examine(_ configuration: BankGateConfiguration) async -> [DoctorFinding] {
        var findings = [DoctorFinding(.ok, "config", "\(configuration.sourcePath ?? "(built in)"): \(configuration.banks.count) banks, "
                                      + "\(configuration.accounts.count) accounts, \(configuration.tokens.count) tokens")]
        findings += keys(configuration)
        findings += certificates(configuration)
        findings += store(configuration)
        findings.append(disk(configuration.server.dataDirectory))
        findings.append(await clockOffset(configuration))
        findings += await banks(configuration)
        return findings
    }

    // MARK: - Keys and certificates

    func keys(_ configuration: BankGateConfiguration) -> [DoctorFinding] {
        SigningKeyInventory.inspect(configuration.keys, at: clock.now(), environment: environment).map { status in
            let check = "key \(status.config.id)"
            let until = status.facts.map { " (certificate until \($0.notAfter.iso8601Seconds))" } ?? ""
            switch status.severity {
            case .ok:
                return DoctorFinding(.ok, check, "\(status.stateText)\(until)")
            case .warning:
                let notes = status.notes.isEmpty ? "" : "; " + status.notes.joined(separator: "; ")
                return DoctorFinding(.warn, check, "\(status.stateText)\(until)\(notes) — renew it with the bank "
                                     + "(bankgate keys generate --csr), configure the new key with valid_from, then bind it")
            case .failure:
                return DoctorFinding(.fail, check, "\(status.stateText)\(until) — serve refuses to start: fix the key's files "
                                     + "or passphrase, or replace the key (bankgate keys list shows them all)")
            }
        }
    }

    /// The certificate files the configuration names besides the signing keys': the API's and the
    /// banks' TLS certificates and CA bundles.
    func certificates(_ configuration: BankGateConfiguration) -> [DoctorFinding] {
        var files: [(what: String, path: String)] = []
        if let tls = configuration.server.tls {
            files.append(("[server] tls_certificate", tls.certificateFile))
            if let ca = tls.clientCAFile { files.append(("[server] tls_client_ca", ca)) }
        }
        for bank in configuration.banks {
            if let certificate = bank.tls?.clientCertificateFile { files.append(("bank \(bank.id) tls_client_certificate", certificate)) }
            if let ca = bank.tls?.caFile { files.append(("bank \(bank.id) tls_ca_file", ca)) }
        }
        return files.map { certificate(at: $0.path, what: $0.what) }
    }

    /// A PEM certificate file: readable, and its first certificate not expired nor expiring soon.
    public func certificate(at path: String, what: String) -> DoctorFinding {
        let check = "certificate \(path)"
        guard let data = FileManager.default.contents(atPath: path) else {
            return DoctorFinding(.fail, check, "\(what): cannot be read — check the path and that the bankgate user may read it")
        }
        let chain: [Certificate]
        do {
            chain = try Certificate.load(pem: [UInt8](data))
        } catch {
            return DoctorFinding(.fail, check, "\(what): not a PEM certificate: \(error)")
        }
        guard let facts = chain.first?.facts else {
            return DoctorFinding(.fail, check, "\(what): holds no certificate")
        }
        let now = clock.now()
        let daysLeft = (facts.notAfter.milliseconds - now.milliseconds) / 86_400_000
        if facts.notAfter <= now {
            return DoctorFinding(.fail, check, "\(what): expired at \(facts.notAfter.iso8601Seconds) (\(facts.subject)) — "
                                 + "get a new certificate and replace the file, then restart bankgate")
        }
        if facts.notBefore > now {
            return DoctorFinding(.fail, check, "\(what): not valid before \(facts.notBefore.iso8601Seconds) — check the clock or the file")
        }
        if daysLeft <= Int64(certificateWarningDays) {
            return DoctorFinding(.warn, check, "\(what): expires in \(daysLeft) days (\(facts.notAfter.iso8601Seconds)) — renew it now")
        }
        return DoctorFinding(.ok, check, "\(what): valid until \(facts.notAfter.iso8601Seconds) (\(daysLeft) days)")
    }

    // MARK: - Store and disk

    func store(_ configuration: BankGateConfiguration) -> [DoctorFinding] {
        let directory = configuration.server.dataDirectory
        let path = directory + "/bankgate.sqlite"
        if let problem = DataDirectory.problem(directory) {
            return [DoctorFinding(.fail, "store", problem.description)]
        }
        guard FileManager.default.fileExists(atPath: directory) else {
            return [DoctorFinding(.warn, "store", "data_dir \(directory) does not exist yet — bankgate serve creates it (0700)")]
        }
        let location: StoreLocation
        do {
            location = try StoreLocation(configuration: configuration)
        } catch {
            return [DoctorFinding(.fail, "store", "\(error)")]
        }
        if case .postgres = location { return postgresStore(location) }
        guard FileManager.default.fileExists(atPath: path) else {
            return [DoctorFinding(.warn, "store", "no database at \(path) yet — bankgate serve creates it at its first start")]
        }
        guard access(path, R_OK | W_OK) == 0 else {
            return [DoctorFinding(.fail, "store", "\(path) is not readable and writable — chown bankgate: \(path)*; chmod 600 \(path)")]
        }
        var findings: [DoctorFinding] = []
        do {
            let db = try StoreConnection(path: path, readOnly: true)
            let (pending, unknown) = try PaymentStore.migrationDifference(db)
            if !unknown.isEmpty {
                findings.append(DoctorFinding(.fail, "store", "\(path) has migrations this bankgate does not know (\(unknown.joined(separator: ", "))) "
                                              + "— it was written by a newer bankgate: run that version"))
            } else if !pending.isEmpty {
                findings.append(DoctorFinding(.warn, "store", "\(pending.count) migrations pending (\(pending.joined(separator: ", "))) "
                                              + "— bankgate serve applies them at start; take a backup first (bankgate backup)"))
            }
        } catch {
            return [DoctorFinding(.fail, "store", "\(path) cannot be read as a bankgate store: \(error) — restore the latest backup (bankgate restore)")]
        }
        do {
            let problems = try SQLiteBackup.integrityProblems(of: path, quick: true)
            if !problems.isEmpty {
                findings.append(DoctorFinding(.fail, "store", "quick_check found: \(problems.prefix(3).joined(separator: "; ")) "
                                              + "— stop bankgate and restore the latest backup (bankgate restore)"))
            }
        } catch {
            findings.append(DoctorFinding(.fail, "store", "quick_check could not run: \(error)"))
        }
        if findings.isEmpty {
            let use = SQLiteBackup.isInUse(path) ? "open in a running daemon" : "not open in any process"
            findings.append(DoctorFinding(.ok, "store", "\(path): migrations current, quick_check ok, writable; \(use)"))
        }
        return findings
    }

    /// The store in PostgreSQL: reachable, and its migrations the ones this bankgate knows.
    func postgresStore(_ location: StoreLocation) -> [DoctorFinding] {
        let name = location.displayName
        do {
            let db = try StoreConnection(location: location, readOnly: true)
            guard try PaymentStore.holdsStore(db) else {
                return [DoctorFinding(.warn, "store", "no store in \(name) yet — bankgate serve creates it at its first start")]
            }
            let (pending, unknown) = try PaymentStore.migrationDifference(db)
            if !unknown.isEmpty {
                return [DoctorFinding(.fail, "store", "\(name) has migrations this bankgate does not know (\(unknown.joined(separator: ", "))) "
                                      + "— it was written by a newer bankgate: run that version")]
            }
            if !pending.isEmpty {
                return [DoctorFinding(.warn, "store", "\(pending.count) migrations pending (\(pending.joined(separator: ", "))) "
                                      + "— bankgate serve applies them at start")]
            }
            return [DoctorFinding(.ok, "store", "\(name): migrations current")]
        } catch {
            return [DoctorFinding(.fail, "store", "\(name) cannot be read as a bankgate store: \(error)")]
        }
    }

    /// Free space where the data folder lives (or its nearest existing parent).
    public func disk(_ directory: String) -> DoctorFinding {
        var path = directory
        while !FileManager.default.fileExists(atPath: path), path != "/", !path.isEmpty {
            path = (path as NSString).deletingLastPathComponent
        }
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else {
            return DoctorFinding(.warn, "disk", "cannot read the free space of \(path): \(String(cString: strerror(errno)))")
        }
        let free = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        let total = Int64(stats.f_blocks) * Int64(stats.f_frsize)
        let fraction = total > 0 ? Double(free) / Double(total) : 1
        let text = "\(Self.gibibytes(free)) free of \(Self.gibibytes(total)) (\(Int(fraction * 100)) %) at \(path)"
        if free < minimumFreeBytes || fraction < minimumFreeFraction {
            return DoctorFinding(.warn, "disk", "\(text) — under \(Self.gibibytes(minimumFreeBytes)) or \(Int(minimumFreeFraction * 100)) %: "
                                 + "free space or grow the volume; a full disk stops intake")
        }
        return DoctorFinding(.ok, "disk", text)
    }

    static func gibibytes(_ bytes: Int64) -> String {
        String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
    }

    // MARK: - Clock

    /// Clock offsets beyond this are a warning (5 s) …
    public var clockWarningSeconds = 5
    /// … and beyond this a failure (5 minutes: banks refuse signed requests further off).
    public var clockFailureSeconds = 300

    /// The system clock against the `Date` header of the first `http` bank that sends one (a plain
    /// `GET` of its base URL, read only for that header); offset unknown when none does.
    func clockOffset(_ configuration: BankGateConfiguration) async -> DoctorFinding {
        let now = clock.now()
        for bank in configuration.banks {
            guard case .http(let url) = bank.transport, let options = try? BankConnections.tlsOptions(bank) else { continue }
            let client = HTTPClient(timeoutMilliseconds: min(bank.requestTimeoutMilliseconds, 10_000), tls: options,
                                    maximumResponseBytes: 64 * 1024)
            let sent = clock.now()
            guard let answer = try? await client.send(method: "GET", url: url) else { continue }
            let received = clock.now()
            guard let header = answer.headers.first(where: { $0.name.lowercased() == "date" })?.value,
                  let bankTime = Self.httpDate(header) else { continue }
            // The header has whole seconds: compare with the middle of the exchange.
            let ours = (sent.milliseconds + received.milliseconds) / 2
            let offset = (bankTime.milliseconds - ours) / 1_000
            let text = "system time \(now.iso8601Seconds) UTC; bank \(bank.id)'s clock (its HTTP Date header) is "
                + (offset == 0 ? "within a second of it" : "\(abs(offset)) s \(offset > 0 ? "ahead" : "behind")")
            if abs(offset) > Int64(clockFailureSeconds) {
                return DoctorFinding(.fail, "clock", text + " — set the clock (NTP: timedatectl set-ntp true); banks refuse signed requests this far off")
            }
            if abs(offset) > Int64(clockWarningSeconds) {
                return DoctorFinding(.warn, "clock", text + " — check NTP (timedatectl status)")
            }
            return DoctorFinding(.ok, "clock", text)
        }
        return DoctorFinding(.ok, "clock", "system time \(now.iso8601Seconds) UTC; offset to the banks unknown (no bank answered "
                             + "with an HTTP Date header) — keep NTP on (timedatectl status)")
    }

    /// An HTTP date (RFC 9110 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Timestamp? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
            .map { Timestamp(milliseconds: Int64($0.timeIntervalSince1970 * 1_000)) }
    }

    // MARK: - Banks

    func banks(_ configuration: BankGateConfiguration) async -> [DoctorFinding] {
        // Folder banks are only looked at: setting up their transport would create their folders.
        var findings: [DoctorFinding] = []
        var reachable = configuration
        for bank in configuration.banks {
            guard case .folder(let outbox, let inbox) = bank.transport else { continue }
            findings.append(Self.folders(bank.id, outbox: outbox, inbox: inbox))
        }
        reachable.banks = configuration.banks.filter { if case .folder = $0.transport { false } else { true } }
        let ids = Set(reachable.banks.map(\.id))
        reachable.accounts = configuration.accounts.filter { ids.contains($0.bank) }
        reachable.keys = configuration.keys.filter { ids.contains($0.bank) }
        let connections: [BankConnection]
        do {
            connections = try BankConnections.make(reachable, signingKeys: SigningKeyInventory.inspect(
                reachable.keys, at: clock.now(), environment: environment), clock: clock)
        } catch {
            return findings + [DoctorFinding(.fail, "banks", "cannot set up the bank connections: \(error)")]
        }
        for connection in connections {
            findings.append(await reach(connection))
        }
        return findings.sorted { $0.check < $1.check }
    }

    /// A host-to-host bank's folders: present and writable (nothing is created or written).
    static func folders(_ bankId: String, outbox: String, inbox: String) -> DoctorFinding {
        for folder in [outbox, inbox] where access(folder, W_OK | X_OK) != 0 {
            return DoctorFinding(.fail, "bank \(bankId)", "folder \(folder) is missing or not writable — create it for the bankgate user "
                                 + "(mkdir -p; chown bankgate:) or start bankgate serve once, which creates it")
        }
        return DoctorFinding(.ok, "bank \(bankId)", "folders \(outbox) and \(inbox) writable (host-to-host files: no query is sent)")
    }

    /// One harmless query to the bank: a balance query for its first account when its adapter has
    /// one, else a status query about a message id that was never sent. Folder banks are only
    /// checked for their folders (anything written to the outbox would be read by the bank).
    func reach(_ connection: BankConnection) async -> DoctorFinding {
        let bank = connection.config
        let check = "bank \(bank.id)"
        let endpoint: String
        switch bank.transport {
        case .http(let url): endpoint = url
        case .tcp(let host, let port): endpoint = "\(host):\(port)"
        case .folder(let outbox, let inbox):
            return Self.folders(bank.id, outbox: outbox, inbox: inbox)
        }
        let fix = "check that the bank's endpoint (or its front-end client) runs at \(endpoint), that [[banks]] id = \"\(bank.id)\" "
            + "names it, and that the firewall lets bankgate reach it"
        guard let account = connection.accounts.values.sorted(by: { $0.id < $1.id }).first else {
            return DoctorFinding(.warn, check, "no account is configured at this bank: nothing to ask")
        }
        let now = clock.now()
        let adapter = connection.adapter
        let queryId = IdentifierFactory.makeRequestId("BGD", adapter.clientReferenceFormat, now: now)
        let what: String
        let outcome: TransportOutcome
        let started = Date()
        do {
            if let queries = adapter as? any AccountQueryAdapter {
                what = "a balance query for \(account.id)"
                let encoded = try queries.encodeBalanceQuery(account: account, queryId: queryId, createdAt: now)
                outcome = await connection.transport.report(try await connection.prepare(encoded, at: now, debtorAccountId: account.id))
            } else {
                what = "a status query"
                let query = StatusQuery(originalMessageId: IdentifierFactory.make("BGM"), originalKind: adapter.paymentMessageKind,
                                        queryId: queryId, createdAt: now, firstSentAt: now, debtor: account)
                let encoded = try adapter.encodeStatusQuery(query)
                outcome = await connection.transport.query(try await connection.prepare(encoded, at: now, debtorAccountId: account.id))
            }
        } catch {
            return DoctorFinding(.fail, check, "cannot prepare a query for \(endpoint): \(error) — check the bank's keys and sign-in settings")
        }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        switch outcome {
        case .answered(let status, _) where status == 429 || status >= 500:
            return DoctorFinding(.warn, check, "\(endpoint) answered HTTP \(status) to \(what): reachable but busy or failing — "
                                 + "look at the bank's status; payments wait meanwhile")
        case .answered(let status, _):
            return DoctorFinding(.ok, check, "\(endpoint) answered \(what) (HTTP \(status)) in \(milliseconds) ms")
        case .delivered:
            return DoctorFinding(.ok, check, "\(endpoint) took \(what) (answers come later on this transport)")
        case .notSent(let reason), .unknown(let reason):
            return DoctorFinding(.fail, check, "cannot reach \(endpoint): \(reason) — \(fix)")
        }
    }
}
