public import BankGateAPI
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
/// `GET /v1/configuration`. When it is valid, it is audited (`config.reloaded`), then the intake's
/// rules are replaced in one step, the alert rules in one step, the schedules' plans in one step, then the API's tokens (with their
/// scopes, account restrictions and rate limits) in one step.
///
/// Live: `[[tokens]]`, `[payment_controls]`, `[[limits]]`, `[[approval_rules]]`, `[approvals]`,
/// `[[alerts]]`, `[[schedules]]`. At the next start only: `[server]`, `[[banks]]`, `[[accounts]]`, `[[keys]]`,
/// `[dispatch]`, `[[tenants]]`, `[[calendars]]`, `[logging]` (the dispatcher's lanes and transports, the accounts the services
/// hold and the store's tenant marks are built from them at start).
public final class ConfigurationReloader: Sendable {
    private let running: Mutex<BankGateConfiguration>
    /// What the file's relative paths were resolved against at start (`nil`: the file's folder).
    private let baseDirectory = Mutex<String?>(nil)
    let access: LiveAccess
    let engine: GatewayEngine
    let alerts: AlertService
    let schedules: ScheduleService
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger

    init(configuration: BankGateConfiguration, access: LiveAccess, engine: GatewayEngine, alerts: AlertService,
         schedules: ScheduleService, store: PaymentStore, clock: any WallClock, logger: Logger) {
        running = Mutex(configuration)
        self.access = access
        self.engine = engine
        self.alerts = alerts
        self.schedules = schedules
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
        let fingerprint = ConfigurationFingerprint(fresh)
        do {
            try await store.appendAudit(at: now, actor: "system", action: "config.reloaded", subject: ("config", path),
                                        details: fingerprint.details)
        } catch {
            return await refuse("the reload cannot be audited: \(error)", path: path, at: now)
        }
        engine.replaceIntakeRules(from: fresh)
        alerts.replaceRules(fresh.alerts)
        schedules.replacePlans(fresh.schedules)
        access.replace(tokens: fresh.tokens, tenants: current.tenantDirectory,
                       state: ConfigurationState(path: path, sha256: fingerprint.sha256, loadedAt: now, lastReloadAt: now))
        running.withLock { $0 = fresh }
        logger.notice("configuration reloaded", metadata: ["file": "\(path)", "sha256": "\(fingerprint.sha256 ?? "-")",
                                                           "tokens": "\(fresh.tokens.count)"])
        return .applied(sha256: fingerprint.sha256)
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
        let sections: [(String, (BankGateConfiguration) -> Any)] = [
            ("server", { $0.server }), ("banks", { $0.banks }), ("accounts", { $0.accounts }), ("keys", { $0.keys }),
            ("dispatch", { $0.dispatch }), ("tenants", { $0.tenants }), ("calendars", { $0.calendars }),
            ("logging", { $0.logging }),
        ]
        return sections.filter { CanonicalText.of($0.1(old)) != CanonicalText.of($0.1(new)) }.map(\.0)
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
