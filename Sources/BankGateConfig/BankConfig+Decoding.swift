/// Reading and checking a `[[banks]]` entry.
extension BankConfig {
    /// The keys of a `[[banks]]` entry.
    static let keys = [
        "id", "adapter", "pain001_version", "transport", "url", "address", "outbox_dir", "inbox_dir", "max_in_flight",
        "max_attempts", "request_timeout_ms", "connect_timeout_ms", "backoff_base_ms", "backoff_max_ms",
        "circuit_failure_threshold", "circuit_cooldown_ms", "status_query_interval_ms",
        "duplicate_check_window_hours", "max_transfers_per_message", "receipt_template", "account_status_codes",
    ] + ReceiptPullConfig.keys + BankTLSConfig.keys + codeTableKeys + timetableKeys

    static func decode(_ reader: TableReader, ids: inout UniqueIdentifiers, baseDirectory: String,
                       adapters: AdapterVocabulary) -> BankConfig {
        let id = reader.string("id", required: true)
        if let id { ids.check(id, key: "id", in: reader) }

        let adapter = reader.string("adapter", required: true)
        if let adapter, adapters.entries[adapter.value] == nil {
            reader.report("adapter", "unknown adapter \"\(adapter.value)\" (known: \(adapters.names.joined(separator: ", ")))", line: adapter.line)
        }
        let version = reader.string("pain001_version", required: false)
        if let version, !pain001Versions.contains(version.value) {
            reader.report("pain001_version", "must be \(pain001Versions.map { "\"\($0)\"" }.joined(separator: " or ")), not \"\(version.value)\"", line: version.line)
        }

        let transport = decodeTransport(reader, baseDirectory: baseDirectory)
        let isHTTP: Bool
        if case .http = transport { isHTTP = true } else { isHTTP = false }
        let tls = BankTLSConfig.decode(reader, baseDirectory: baseDirectory, isHTTP: isHTTP)

        let backoffBase = reader.integer("backoff_base_ms", default: Defaults.backoffBaseMilliseconds, range: 1...3_600_000)
        let backoffMax = reader.integer("backoff_max_ms", default: Defaults.backoffMaxMilliseconds, range: 1...86_400_000)
        if backoffMax < backoffBase {
            reader.report("backoff_max_ms", "must not be smaller than backoff_base_ms (\(backoffBase))")
        }
        let options = reader.adapterOptions(adapter.flatMap { adapters.entries[$0.value]?.bankKeys } ?? [], baseDirectory: baseDirectory)
        var bank = BankConfig(
            id: id?.value ?? "",
            adapter: adapter?.value ?? "",
            pain001Version: version?.value ?? Defaults.pain001Version,
            transport: transport,
            maxInFlight: reader.integer("max_in_flight", default: Defaults.maxInFlight, range: 1...256),
            maxAttempts: reader.integer("max_attempts", default: Defaults.maxAttempts, range: 1...1_000),
            requestTimeoutMilliseconds: reader.integer("request_timeout_ms", default: Defaults.requestTimeoutMilliseconds, range: 100...600_000),
            connectTimeoutMilliseconds: reader.integer("connect_timeout_ms", default: Defaults.connectTimeoutMilliseconds, range: 100...120_000),
            backoffBaseMilliseconds: backoffBase,
            backoffMaxMilliseconds: backoffMax,
            circuitFailureThreshold: reader.integer("circuit_failure_threshold", default: Defaults.circuitFailureThreshold, range: 1...10_000),
            circuitCooldownMilliseconds: reader.integer("circuit_cooldown_ms", default: Defaults.circuitCooldownMilliseconds, range: 100...3_600_000),
            statusQueryIntervalMilliseconds: reader.integer("status_query_interval_ms", default: Defaults.statusQueryIntervalMilliseconds, range: 100...3_600_000),
            duplicateCheckWindowHours: reader.optionalInteger("duplicate_check_window_hours", range: 0...8_760),
            maxTransfersPerMessage: reader.optionalInteger("max_transfers_per_message", range: 1...100_000),
            tls: tls)
        bank.adapterOptions = options
        bank.pain001VersionGiven = version != nil
        bank.receiptTemplate = ReceiptTemplateFile.decode(reader, baseDirectory: baseDirectory)
        bank.receiptPulls = ReceiptPullConfig.decode(reader).over(ReceiptPullConfig())
        bank.accountStatusCodes = decodeAccountStatusCodes(reader)
        bank.codeTable = decodeCodeTable(reader, adapter: adapter, entry: adapter.flatMap { adapters.entries[$0.value] },
                                         baseDirectory: baseDirectory)
        return bank
    }

    /// `account_status_codes = ["AC05=closed", "AC06=frozen"]`: `CODE=frozen|closed`, each code once.
    private static func decodeAccountStatusCodes(_ reader: TableReader) -> [String: String]? {
        guard let items = reader.stringArray("account_status_codes", required: false) else { return nil }
        var codes: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let key = "account_status_codes[\(index)]"
            let parts = item.value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
                  learnableAccountStatuses.contains(parts[1]) else {
                reader.report(key, "must be \"CODE=frozen\" or \"CODE=closed\", not \"\(item.value)\"", line: item.line)
                continue
            }
            if codes[parts[0]] != nil {
                reader.report(key, "code \(parts[0]) is listed twice", line: item.line)
            }
            codes[parts[0]] = parts[1]
        }
        return codes
    }

    /// `transport` with the keys that go with it: `url` for http, `outbox_dir` and `inbox_dir`
    /// for folder; the other kind's keys are refused so a half-edited entry cannot pass.
    private static func decodeTransport(_ reader: TableReader, baseDirectory: String) -> BankTransportConfig {
        let kind = reader.string("transport", required: true)
        switch kind?.value {
        case "http":
            for key in ["outbox_dir", "inbox_dir"] where reader.has(key) {
                reader.report(key, "is only used with transport = \"folder\"")
            }
            if reader.has("address") { reader.report("address", "is only used with transport = \"tcp\"") }
            guard let url = reader.string("url", required: false) else {
                if !reader.has("url") { reader.report("url", "is required with transport = \"http\"") }
                return .http(url: "")
            }
            if let problem = HTTPURLCheck.problem(in: url.value) {
                reader.report("url", problem, line: url.line)
            }
            return .http(url: url.value)
        case "folder":
            if reader.has("url") { reader.report("url", "is only used with transport = \"http\"") }
            if reader.has("address") { reader.report("address", "is only used with transport = \"tcp\"") }
            let outbox = DirectoryKey.read("outbox_dir", from: reader, required: true, baseDirectory: baseDirectory) ?? ""
            let inbox = DirectoryKey.read("inbox_dir", from: reader, required: true, baseDirectory: baseDirectory) ?? ""
            if !outbox.isEmpty, outbox == inbox {
                reader.report("inbox_dir", "must not be the same directory as outbox_dir")
            }
            return .folder(outbox: outbox, inbox: inbox)
        case "tcp":
            for key in ["url", "outbox_dir", "inbox_dir"] where reader.has(key) {
                reader.report(key, "is not used with transport = \"tcp\" (give address = \"host:port\")")
            }
            guard let address = reader.string("address", required: true) else { return .tcp(host: "", port: 0) }
            switch ListenAddress.parse(address.value) {
            case .success(let parsed): return .tcp(host: parsed.host, port: parsed.port)
            case .failure(let failure):
                reader.report("address", failure.message, line: address.line)
                return .tcp(host: "", port: 0)
            }
        case let other?:
            reader.report("transport", "must be \"http\", \"folder\" or \"tcp\", not \"\(other)\"", line: kind?.line)
            return .http(url: "")
        case nil:
            return .http(url: "")
        }
    }
}

/// Checks a bank URL: `http://` or `https://`, a host, an optional port, no credentials.
enum HTTPURLCheck {
    /// Why `text` is not acceptable, or `nil` when it is.
    static func problem(in text: String) -> String? {
        let rest: Substring
        if text.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return "is not an http(s) URL (it must start with http:// or https://)"
        }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "must not contain spaces or control characters"
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.isEmpty { return "is not an http(s) URL: it has no host" }
        if authority.contains("@") { return "must not contain credentials (user:password@); bankgate authenticates by other means" }
        if authority.hasPrefix("[") && authority.hasSuffix("]") {
            let inner = authority.dropFirst().dropLast()
            return inner.contains(":") && inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) ? nil : "is not an http(s) URL: bad IPv6 host"
        }
        if authority.contains(":") {
            if case .failure(let failure) = ListenAddress.parse(String(authority)) {
                return "is not an http(s) URL: \(failure.message)"
            }
            return nil
        }
        let hostOK = authority.utf8.allSatisfy { ($0 != UInt8(ascii: "_") && ASCII.isBareKey($0)) || $0 == ASCII.dot }
        return hostOK ? nil : "is not an http(s) URL: bad host \"\(authority)\""
    }
}
