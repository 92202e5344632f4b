public import BankGateConfig
import BankGateCore
import Synchronization
import BankGateStore

/// What intake checks a payment against beyond its own fields: the duplicate check
/// (`[payment_controls]`), the `[[limits]]` and the approval policy (`[[approval_rules]]`,
/// `[approvals]`). One value, replaced whole by a configuration reload.
struct IntakeRules: Sendable {
    /// When a payment is held at intake as a suspected duplicate.
    var duplicateCheck: DuplicateCheck
    /// Per account and per token.
    var limits: [PaymentLimit]
    /// Which payments wait for approvals, and how long.
    var approvalPolicy: ApprovalPolicy
    /// `batch_release` plans by the accounts they name: batch and payroll payments from these wait
    /// (`scheduled`) for the plan's next run.
    var releasePlans: [String: ScheduleConfig]

    init(_ configuration: BankGateConfiguration) {
        let controls = configuration.paymentControls
        duplicateCheck = DuplicateCheck(windowMilliseconds: Int64(controls.duplicateWindowMinutes) * 60_000,
                                        sameRemittance: controls.duplicateSameRemittance)
        limits = configuration.limits.map { limit in
            let holder: PaymentLimit.Holder = switch limit.holder {
            case .account(let id): .account(id)
            case .token(let name): .client(name)
            }
            return PaymentLimit(holder: holder, currency: limit.currency, singleMinor: limit.single?.minorUnits,
                                dailyTotalMinor: limit.dailyTotal?.minorUnits, dailyCount: limit.dailyCount)
        }
        approvalPolicy = ApprovalPolicy(rules: configuration.approvalRules,
                                        expireAfterMilliseconds: Int64(configuration.approvals.expireAfterMinutes) * 60_000)
        var releasePlans: [String: ScheduleConfig] = [:]
        for plan in configuration.schedules where plan.kind == .batchRelease {
            for account in plan.accounts where releasePlans[account] == nil { releasePlans[account] = plan }
        }
        self.releasePlans = releasePlans
    }
}

extension GatewayEngine {
    /// Puts `configuration`'s duplicate check, limits, approval rules and `batch_release` plans in force for the next
    /// request (a configuration reload); a request under way keeps the rules it started with.
    public func replaceIntakeRules(from configuration: BankGateConfiguration) {
        let rules = IntakeRules(configuration)
        intakeRules.withLock { $0 = rules }
    }
}
