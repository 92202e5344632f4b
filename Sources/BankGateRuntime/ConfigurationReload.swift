import BankGateAPI
import BankGateAdapters
public import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import Logging
import Synchronization

/// What a reload (SIGHUP) did.
public enum ConfigurationReloadOutcome: Sendable, Equatable {
    /// The new file is in force (its tokens answer the next request).
    case applied(sha256: String?)
    /// The running configuration stays whole; why.
    case refused(String)
}

/// The configuration in force, and reloads of its file as a whole: the file is read and checked
/// entirely; when it is invalid, or changes what only a restart can change, nothing of it is
/// applied, the error is logged, audited (`config.reload_refused`) and shown by
/// `GET /v1/configuration`. When it is valid, it is audited (`config.reloaded`), then applied.
///
/// - `[[tokens]]`, `[payment_controls]`, `[[limits]]`, `[[approval_rules]]`, `[approvals]`,
///   `[[alerts]]`, `[[schedules]]` alone: replaced in place, each in one step, the tokens last.
/// - `[[banks]]`, `[[accounts]]`, `[[keys]]`, `[[tenants]]`, `[[calendars]]`: a new generation of
///   bank connections, engine and jobs is built from the whole file beside the running one (a bank
///   that cannot be set up, a key that cannot sign, refuse the reload whole). It answers the API at
///   once; the running one's services are shut down gracefully — its sends in flight finish and
///   record their answer — and then the new one's start (``GenerationRunner``). The API keeps
///   listening; a payment taken meanwhile is durable and sent by the new generation. A bank or
///   account that leaves the file, or an account whose bank, number, bank code, currency or adapter
///   options change, while payments of it are not final refuses the reload
///   (``checkNothingUnfinishedIsOrphaned(from:to:)``).
/// - `[server]`, `[dispatch]`, `[logging]`: only at the next start (the listener, the store and
///   the log are made from them).
public final class ConfigurationReloader: Sendable {
    private let running: Mutex<BankGateConfiguration>
    /// What the file's relative paths were resolved against at start (`nil`: the file's folder).
    private let baseDirectory = Mutex<String?>(nil)
    let access: LiveAccess
    let generations: GenerationRunner
    /// Holds intake while a rebuilding reload checks the payments not final and switches.
    let intakeFence: IntakeFence
    /// Builds a generation from a configuration (throws what makes it unusable).
    let rebuild: @Sendable (BankGateConfiguration) throws -> GatewayGeneration
    let metrics: MetricsExposition
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger

    init(configuration: BankGateConfiguration, access: LiveAccess, generations: GenerationRunner, intakeFence: IntakeFence,
         rebuild: @escaping @Sendable (BankGateConfiguration) throws -> GatewayGeneration, metrics: MetricsExposition,
         store: PaymentStore, clock: any WallClock, logger: Logger) {
        running = Mutex(configuration)
        self.access = access
        self.generations = generations
        self.intakeFence = intakeFence
        self.rebuild = rebuild
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// The configuration in force.
    public var configuration: BankGateConfiguration { running.withLock { $0 } }

    /// Reloads resolve the file's relative paths against `directory`, as the start did (`serve
    /// --demo` resolves them against the working folder); by default against the file's folder.
    public func resolveRelativePaths(against directory: String?) {
        baseDirectory.withLock { $0 = directory }
    }

    /// Reads the file the running configuration came from and applies it, or refuses it whole.
    public func reload() async -> ConfigurationReloadOutcome {
        let current = configuration
        let now = clock.now()
        guard let path = current.sourcePath else {
            return await refuse("the daemon was started without a configuration file", path: "(built in)", at: now)
        }
        let fresh: BankGateConfiguration
        do {
            fresh = try BankGateConfiguration.load(path: path, baseDirectory: baseDirectory.withLock { $0 })
        } catch {
            return await refuse("\(error)", path: path, at: now)
        }
        let restart = Self.sectionsNeedingRestart(from: current, to: fresh)
        guard restart.isEmpty else {
            return await refuse("changed sections take effect only at a restart: \(restart.joined(separator: ", ")) "
                                + "(systemctl restart bankgate); nothing of the file was applied", path: path, at: now,
                                restartRequired: restart)
        }
        let rebuilt = Self.sectionsNeedingNewGeneration(from: current, to: fresh)
        var next: GatewayGeneration?
        if !rebuilt.isEmpty {
            // Checked first before anything is built (a refusal then leaves nothing behind), and
            // again below, with intake held, for the payments accepted meanwhile.
            do {
                try await checkNothingUnfinishedIsOrphaned(from: current, to: fresh)
            } catch {
                return await refuse("\(error); nothing of the file was applied", path: path, at: now)
            }
            do {
                next = try rebuild(fresh)
            } catch {
                return await refuse("\(error); nothing of the file was applied", path: path, at: now)
            }
            // From here to the switch no payment is taken (intakes wait, for milliseconds): the
            // check sees every payment accepted for the accounts as they were, and none is
            // accepted for them as they were once the new file is in force.
            await intakeFence.close()
        }
        defer { if next != nil { intakeFence.open(inForce: generations.current.engine) } }
        if next != nil {
            do {
                try await checkNothingUnfinishedIsOrphaned(from: current, to: fresh)
            } catch {
                return await refuse("\(error); nothing of the file was applied", path: path, at: now)
            }
        }
        let fingerprint = ConfigurationFingerprint(fresh)
        do {
            try await store.appendAudit(at: now, actor: "system", action: "config.reloaded", subject: ("config", path),
                                        details: fingerprint.details + (rebuilt.isEmpty ? "" : "; rebuilt for \(rebuilt.joined(separator: ", "))"))
        } catch {
            return await refuse("the reload cannot be audited: \(error)", path: path, at: now)
        }
        if next != nil {
            // The accounts' tenants come from `[[accounts]]` and `[[tenants]]`; recorded (and audited) only when they changed.
            let directory = fresh.tenantDirectory
            do {
                _ = try await store.assignTenants(directory.isPartitioned ? directory.tenantOfAccount : [:], at: now)
            } catch {
                return await refuse("the accounts' tenants cannot be recorded: \(error)", path: path, at: now)
            }
            metrics.replaceConfigured(bankIds: fresh.banks.map(\.id), accountIds: fresh.accounts.map(\.id))
        } else {
            let generation = generations.current
            generation.engine.replaceIntakeRules(from: fresh)
            generation.alerts.replaceRules(fresh.alerts)
            generation.schedules.replacePlans(fresh.schedules)
        }
        // The tokens first: a revoked one is refused from the next request, whatever a switch waits for.
        access.replace(tokens: fresh.tokens, tenants: fresh.tenantDirectory,
                       state: ConfigurationState(path: path, sha256: fingerprint.sha256, loadedAt: now, lastReloadAt: now))
        running.withLock { $0 = fresh }
        logger.notice("configuration reloaded", metadata: ["file": "\(path)", "sha256": "\(fingerprint.sha256 ?? "-")",
                                                           "tokens": "\(fresh.tokens.count)", "banks": "\(fresh.banks.count)",
                                                           "accounts": "\(fresh.accounts.count)",
                                                           "rebuilt": "\(rebuilt.isEmpty ? "none" : rebuilt.joined(separator: ","))"])
        if let next, !generations.switchTo(next) {
            logger.notice("configuration reload: the daemon is stopping; the rebuilt banks and accounts apply at the next start",
                          metadata: ["file": "\(path)"])
        }
        return .applied(sha256: fingerprint.sha256)
    }

    /// Refuses a file that drops a bank, or drops an account or changes what its payments are paid
    /// from (its bank, number, bank code, currency or adapter options), while payments of it are not
    /// final: they were accepted (and approved) for the account as it was, and would be sent from
    /// another one, or by nothing at all.
    func checkNothingUnfinishedIsOrphaned(from old: BankGateConfiguration, to new: BankGateConfiguration) async throws {
        let keptBanks = Set(new.banks.map(\.id))
        let newAccounts = Dictionary(new.accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let droppedBanks = old.banks.map(\.id).filter { !keptBanks.contains($0) }
        var leavingAccounts: [(id: String, change: String)] = []
        for account in old.accounts {
            guard let successor = newAccounts[account.id] else {
                leavingAccounts.append((account.id, "leaves the file"))
                continue
            }
            if let change = Self.paidFromChange(account, successor) { leavingAccounts.append((account.id, change)) }
        }
        guard !droppedBanks.isEmpty || !leavingAccounts.isEmpty else { return }
        func unfinished(_ counts: [PaymentStatus: Int]?) -> Int {
            (counts ?? [:]).filter { !$0.key.isTerminal }.values.reduce(0, +)
        }
        var problems: [String] = []
        let byBank = try await store.queueCounts().counts
        for account in leavingAccounts {
            let counts = try await store.queueCounts(accountIds: [account.id]).counts
            let open = counts.values.map { unfinished($0) }.reduce(0, +)
            if open > 0 { problems.append("account \(account.id) \(account.change) but has \(open) payment(s) not final") }
        }
        for bank in droppedBanks where unfinished(byBank[bank]) > 0 {
            problems.append("bank \(bank) leaves the file but has \(unfinished(byBank[bank])) payment(s) not final")
        }
        guard problems.isEmpty else {
            throw OrphanedPayments(description: problems.joined(separator: "; ")
                                   + ": keep them as they are until those payments are final (or cancel them), then reload")
        }
    }

    /// What changed in what an account's payments are paid from, or `nil`.
    static func paidFromChange(_ old: AccountConfig, _ new: AccountConfig) -> String? {
        if old.bank != new.bank { return "moves to bank \(new.bank)" }
        if old.number != new.number { return "changes its number" }
        if old.bankCode != new.bankCode { return "changes its bank_code" }
        if old.currency != new.currency { return "changes its currency" }
        if old.adapterOptions != new.adapterOptions { return "changes its adapter options" }
        return nil
    }

    /// A reload would leave payments that are not final without their bank or account as they were accepted for.
    struct OrphanedPayments: Error, CustomStringConvertible {
        var description: String
    }

    private func refuse(_ reason: String, path: String, at now: Timestamp, restartRequired: [String] = []) async -> ConfigurationReloadOutcome {
        logger.error("configuration reload refused; the running configuration stays in force",
                     metadata: ["file": "\(path)", "error": "\(reason)"])
        var state = access.state ?? ConfigurationState(path: path, sha256: nil, loadedAt: now)
        state.lastReloadAt = now
        state.lastReloadError = reason
        state.restartRequired = restartRequired
        access.record(state)
        do {
            try await store.appendAudit(at: now, actor: "system", action: "config.reload_refused", subject: ("config", path),
                                        details: reason)
        } catch {
            logger.error("the refused reload could not be audited", metadata: ["error": "\(error)"])
        }
        return .refused(reason)
    }

    /// The sections of `new` that differ from `old` and that only a restart applies.
    static func sectionsNeedingRestart(from old: BankGateConfiguration, to new: BankGateConfiguration) -> [String] {
        changedSections([("server", { $0.server }), ("dispatch", { $0.dispatch }), ("logging", { $0.logging })], old, new)
    }

    /// The sections of `new` that differ from `old` and that a new generation applies.
    static func sectionsNeedingNewGeneration(from old: BankGateConfiguration, to new: BankGateConfiguration) -> [String] {
        changedSections([("banks", { $0.banks }), ("accounts", { $0.accounts }), ("keys", { $0.keys }),
                         ("tenants", { $0.tenants }), ("calendars", { $0.calendars })], old, new)
    }

    private static func changedSections(_ sections: [(String, (BankGateConfiguration) -> Any)], _ old: BankGateConfiguration,
                                        _ new: BankGateConfiguration) -> [String] {
        sections.filter { CanonicalText.of($0.1(old)) != CanonicalText.of($0.1(new)) }.map(\.0)
    }
}

/// A value's fields written out, dictionaries and sets in sorted order, so that two values read
/// from the same text compare equal whatever their hash tables' order.
enum CanonicalText {
    static func of(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary?, .set?:
            return "{" + mirror.children.map { of($0.value) }.sorted().joined(separator: ",") + "}"
        case .struct?, .class?, .tuple?, .collection?, .enum?, .optional?:
            if mirror.children.isEmpty { return "\(mirror.subjectType):\(value)" }
            return "\(mirror.subjectType)(" + mirror.children.map { "\($0.label ?? ""):\(of($0.value))" }.joined(separator: ",") + ")"
        default:
            return "\(value)"
        }
    }
}
