public import BankGateCore

/// `[[keys]]`: a signing key and its certificate, for one bank.
///
/// Only paths and the names of where the passphrase is kept: the configuration never holds a
/// passphrase itself, and nothing here reads the key files (BankGateRuntime's `SigningKeyInventory`
/// does, at start-up and for `bankgate keys list|check`).
public struct KeyConfig: Sendable, Hashable {
    /// The signature scheme the bank expects.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// RSA PKCS#1 v1.5 with SHA-256.
        case rsaSHA256 = "rsa-sha256"
        /// SM2 with SM3 (GM/T 0003, 0009).
        case sm2SM3 = "sm2-sm3"
    }

    /// Where the key and its certificate are, as absolute paths.
    public enum Material: Sendable, Hashable {
        /// `pkcs12`: one `.p12`/`.pfx` file holding both.
        case pkcs12(path: String)
        /// `private_key` (PEM, PKCS#8 or traditional) and `certificate` (PEM).
        case pem(privateKey: String, certificate: String)
        /// `pkcs11`: a key in a hardware token or HSM by its RFC 7512 URI (`pkcs11:token=…;object=…`),
        /// with `certificate` (PEM) and `pkcs11_module` (the module's path; nil: the engine's default).
        /// The private key never sits in a file.
        case pkcs11(uri: String, certificate: String, module: String?)
    }

    /// Where the passphrase of the key (or of the PKCS#12 file) is.
    public enum Passphrase: Sendable, Hashable {
        /// `passphrase_env`: the name of an environment variable.
        case environment(String)
        /// `passphrase_file`: a file of mode 0600 (an absolute path); one trailing newline is dropped.
        case file(String)
    }

    /// Unique id (`[A-Za-z0-9_-]`), named in `bankgate keys` output and start-up messages.
    public var id: String
    /// The bank it signs for: a configured `[[banks]]` id.
    public var bank: String
    /// The signature scheme.
    public var algorithm: Algorithm
    /// The key and certificate files.
    public var material: Material
    /// Where its passphrase is; nil for a key stored unencrypted (and for a `pkcs11` key).
    public var passphrase: Passphrase?
    /// Where the token PIN of a `pkcs11` key is (`pin_env`, `pin_file`); nil for other keys.
    public var pin: Passphrase?
    /// The SM2 user id (`sm2-sm3` only); the default `1234567812345678` when nil.
    public var sm2UserID: String?
    /// When this key takes over from the bank's other keys (key rollover); nil for a key in use
    /// from the start.
    public var validFrom: Timestamp?
    /// `accounts` and `role`: the key bound by configuration to these accounts of its bank and the
    /// operator role it signs for, as `bankgate keys bind` would bind it (recorded, audited, when the
    /// key is first seen); nil: the key waits `issued` until an operator binds it.
    public var binding: (accounts: [String], role: String)? {
        get { boundAccounts.isEmpty ? nil : (boundAccounts, role ?? Self.defaultRole) }
        set { boundAccounts = newValue?.accounts ?? []; role = newValue?.role }
    }
    /// `accounts`: see ``binding``.
    public var boundAccounts: [String] = []
    /// `role`: see ``binding``.
    public var role: String?
    /// The role of a key bound by configuration without one.
    public static let defaultRole = "signer"

    /// A key as the configuration file would give it; no checks are made here.
    public init(id: String, bank: String, algorithm: Algorithm, material: Material, passphrase: Passphrase? = nil,
                sm2UserID: String? = nil, validFrom: Timestamp? = nil, pin: Passphrase? = nil) {
        self.id = id
        self.pin = pin
        self.bank = bank
        self.algorithm = algorithm
        self.material = material
        self.passphrase = passphrase
        self.sm2UserID = sm2UserID
        self.validFrom = validFrom
    }

    /// The keys of a `[[keys]]` entry.
    static let keys = ["id", "bank", "algorithm", "pkcs12", "private_key", "certificate", "passphrase_env",
                       "passphrase_file", "sm2_user_id", "valid_from", "accounts", "role", "pkcs11", "pkcs11_module", "pin_env", "pin_file"]

    static func decode(_ reader: TableReader, ids: inout UniqueIdentifiers, bankIds: [String: Int],
                       baseDirectory: String) -> KeyConfig {
        let id = reader.string("id", required: true)
        if let id { ids.check(id, key: "id", in: reader) }
        let bank = reader.string("bank", required: true)
        if let bank, bankIds[bank.value] == nil {
            reader.report("bank", "no [[banks]] entry has id \"\(bank.value)\"", line: bank.line)
        }
        let algorithmText = reader.string("algorithm", required: true)
        var algorithm = Algorithm.rsaSHA256
        if let algorithmText {
            if let known = Algorithm(rawValue: algorithmText.value) {
                algorithm = known
            } else {
                let known = Algorithm.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                reader.report("algorithm", "must be \(known), not \"\(algorithmText.value)\"", line: algorithmText.line)
            }
        }
        let material = decodeMaterial(reader, baseDirectory: baseDirectory)
        let passphrase = decodePassphrase(reader, names: ("passphrase_env", "passphrase_file"), baseDirectory: baseDirectory)
        let pin = decodePassphrase(reader, names: ("pin_env", "pin_file"), baseDirectory: baseDirectory)
        if case .pkcs11 = material {
            if reader.has("passphrase_env") || reader.has("passphrase_file") {
                reader.report("passphrase_env", "a pkcs11 key has a PIN (pin_env or pin_file), not a passphrase")
            }
            if pin == nil, !reader.has("pin_env"), !reader.has("pin_file") {
                reader.report("pin_env", "is required with pkcs11 (or pin_file): the token's PIN")
            }
        } else {
            for key in ["pin_env", "pin_file", "pkcs11_module"] where reader.has(key) {
                reader.report(key, "is only used with pkcs11")
            }
        }

        let userID = reader.string("sm2_user_id", required: false)
        if let userID {
            if algorithmText != nil, algorithm != .sm2SM3 {
                reader.report("sm2_user_id", "is only used with algorithm = \"sm2-sm3\"", line: userID.line)
            } else if userID.value.isEmpty || userID.value.utf8.count > 8191 {
                reader.report("sm2_user_id", "must be 1 to 8191 bytes", line: userID.line)
            }
        }
        let validFromText = reader.string("valid_from", required: false)
        var validFrom: Timestamp?
        if let validFromText {
            validFrom = parseInstant(validFromText.value)
            if validFrom == nil {
                reader.report("valid_from", "must be a date \"YYYY-MM-DD\" or a UTC time \"YYYY-MM-DDTHH:MM:SSZ\", not \"\(validFromText.value)\"",
                              line: validFromText.line)
            }
        }
        var key = KeyConfig(id: id?.value ?? "", bank: bank?.value ?? "", algorithm: algorithm,
                            material: material, passphrase: passphrase, sm2UserID: userID?.value, validFrom: validFrom,
                            pin: pin)
        key.boundAccounts = reader.stringArray("accounts", required: false)?.map(\.value) ?? []
        let role = reader.string("role", required: false)
        if let role {
            if key.boundAccounts.isEmpty { reader.report("role", "is only used with accounts (the key's binding)", line: role.line) }
            if role.value.isEmpty { reader.report("role", "must not be empty", line: role.line) }
        }
        key.role = role?.value
        return key
    }

    /// Every account a key is bound to by configuration must be an account of the key's bank.
    static func checkBindings(_ keys: [KeyConfig], accounts: [AccountConfig], lines: [Int?], problems: ProblemList) {
        let bankOfAccount = Dictionary(accounts.map { ($0.id, $0.bank) }, uniquingKeysWith: { first, _ in first })
        for (index, key) in keys.enumerated() {
            for account in key.boundAccounts where bankOfAccount[account] != key.bank {
                problems.add(line: index < lines.count ? lines[index] : nil, key: "keys[\(index)].accounts",
                             bankOfAccount[account] == nil ? "no [[accounts]] entry has id \"\(account)\""
                                 : "account \"\(account)\" is not an account of bank \"\(key.bank)\"")
            }
        }
    }

    /// `pkcs12`, or `private_key` with `certificate`: one form, whole.
    private static func decodeMaterial(_ reader: TableReader, baseDirectory: String) -> Material {
        let pkcs12 = reader.string("pkcs12", required: false)
        let privateKey = reader.string("private_key", required: false)
        let certificate = reader.string("certificate", required: false)
        let token = reader.string("pkcs11", required: false)
        for (key, located) in [("pkcs12", pkcs12), ("private_key", privateKey), ("certificate", certificate), ("pkcs11", token)] {
            if let located, located.value.isEmpty { reader.report(key, "must not be empty", line: located.line) }
        }
        if let token {
            return decodeToken(token, certificate: certificate, reader: reader, baseDirectory: baseDirectory)
        }
        if let pkcs12 {
            for key in ["private_key", "certificate"] where reader.has(key) {
                reader.report(key, "give either pkcs12 or private_key with certificate, not both")
            }
            return .pkcs12(path: ConfigPath.resolve(pkcs12.value, against: baseDirectory))
        }
        switch (privateKey, certificate) {
        case (let key?, let certificate?):
            return .pem(privateKey: ConfigPath.resolve(key.value, against: baseDirectory),
                        certificate: ConfigPath.resolve(certificate.value, against: baseDirectory))
        case (.some, nil):
            if !reader.has("certificate") { reader.report("certificate", "is required with private_key") }
        case (nil, .some):
            if !reader.has("private_key") { reader.report("private_key", "is required with certificate") }
        case (nil, nil):
            if !reader.has("pkcs12"), !reader.has("private_key"), !reader.has("certificate"), !reader.has("pkcs11") {
                reader.report("pkcs12", "give pkcs12, or private_key and certificate, or pkcs11 and certificate")
            }
        }
        return .pem(privateKey: "", certificate: "")
    }

    /// `pkcs11` (a `pkcs11:` URI without a PIN in it) with `certificate` and optionally `pkcs11_module`.
    private static func decodeToken(_ token: Located<String>, certificate: Located<String>?, reader: TableReader,
                                    baseDirectory: String) -> Material {
        for key in ["pkcs12", "private_key"] where reader.has(key) {
            reader.report(key, "give either pkcs11 or \(key), not both")
        }
        let attributes = token.value.dropFirst("pkcs11:".count)
            .split(whereSeparator: { $0 == ";" || $0 == "?" || $0 == "&" })
            .compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
        if !token.value.hasPrefix("pkcs11:") || token.value == "pkcs11:" {
            reader.report("pkcs11", "must be a PKCS#11 URI (RFC 7512) such as \"pkcs11:token=bank;object=signing-key\"", line: token.line)
        } else if attributes.contains("pin-value") || attributes.contains("pin-source") {
            reader.report("pkcs11", "must not hold the PIN (pin-value, pin-source): give it with pin_env or pin_file", line: token.line)
        }
        if certificate == nil, !reader.has("certificate") {
            reader.report("certificate", "is required with pkcs11: the certificate of the token's key (PEM)")
        }
        let module = reader.string("pkcs11_module", required: false)
        if let module, module.value.isEmpty { reader.report("pkcs11_module", "must not be empty", line: module.line) }
        return .pkcs11(uri: token.value, certificate: certificate.map { ConfigPath.resolve($0.value, against: baseDirectory) } ?? "",
                       module: module.map { ConfigPath.resolve($0.value, against: baseDirectory) })
    }

    /// `passphrase_env` or `passphrase_file` (or `pin_env` or `pin_file`), at most one.
    private static func decodePassphrase(_ reader: TableReader, names: (environment: String, file: String),
                                         baseDirectory: String) -> Passphrase? {
        let variable = reader.string(names.environment, required: false)
        let file = reader.string(names.file, required: false)
        if variable != nil, file != nil {
            reader.report(names.file, "give either \(names.environment) or \(names.file), not both")
            return nil
        }
        if let variable {
            let valid = !variable.value.isEmpty && !variable.value.utf8.contains(UInt8(ascii: "="))
                && variable.value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
            if !valid { reader.report(names.environment, "must be an environment variable name", line: variable.line) }
            return .environment(variable.value)
        }
        if let file {
            if file.value.isEmpty { reader.report(names.file, "must not be empty", line: file.line) }
            return .file(ConfigPath.resolve(file.value, against: baseDirectory))
        }
        return nil
    }

    /// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
    static func parseInstant(_ text: String) -> Timestamp? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10 || utf8.count == 20 else { return nil }
        guard let day = Timestamp.parseDate(String(decoding: utf8[0..<10], as: UTF8.self)) else { return nil }
        if utf8.count == 10 { return day }
        guard utf8[10] == UInt8(ascii: "T"), utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              utf8[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard utf8[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: utf8[range], as: UTF8.self))
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 60 else { return nil }
        return day.adding(milliseconds: Int64((hour * 60 + minute) * 60 + second) * 1000)
    }

    /// One PKCS#11 module per process (OpenSSL's pkcs11 engine loads one): every `pkcs11` key
    /// names the same `pkcs11_module`, or none does.
    static func checkTokenModules(_ keys: [KeyConfig], lines: [Int], problems: ProblemList) {
        var first: (index: Int, module: String?)?
        for (index, key) in keys.enumerated() {
            guard case .pkcs11(_, _, let module) = key.material else { continue }
            guard let seen = first else { first = (index, module); continue }
            if seen.module != module {
                problems.add(line: lines[index], key: "keys[\(index)].pkcs11_module",
                             "differs from keys[\(seen.index)]: every pkcs11 key must use the same module (one per process)")
            }
        }
    }

    /// The rollover rule: per bank, at most one key without `valid_from`, and no two keys taking
    /// over at the same instant, so that which key signs at a given time is never ambiguous.
    static func checkRollover(_ keys: [KeyConfig], lines: [Int], problems: ProblemList) {
        var seen: [String: Int] = [:]
        for (index, key) in keys.enumerated() where !key.bank.isEmpty {
            let slot = key.bank + "@" + (key.validFrom.map { String($0.milliseconds) } ?? "start")
            if let first = seen[slot] {
                let when = key.validFrom.map { "valid_from \($0.iso8601Seconds)" } ?? "no valid_from"
                problems.add(line: lines[index], key: "keys[\(index)]",
                             "keys[\(first)] for bank \"\(key.bank)\" already has \(when); give the new key the time it takes over (valid_from)")
            } else {
                seen[slot] = index
            }
        }
    }
}
