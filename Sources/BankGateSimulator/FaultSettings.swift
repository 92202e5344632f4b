import Synchronization

/// The faults the simulator injects, all reproducible under one seed.
///
/// Rates are probabilities from 0 to 1 (they are not money, so a `Double` is fine). Each payment
/// message draws three numbers from the seeded generator in a fixed order (fail, drop, malformed),
/// whatever the outcome, so the same seed and the same sequence of messages give the same faults.
/// Status queries draw nothing: they are only ever refused by the maintenance window.
///
/// Statement faults and simulated incoming credits do not use that generator: they are drawn from a
/// hash of (seed, account, day), so a statement is the same whatever else was asked before it.
public struct FaultSettings: Hashable, Sendable {
    /// Seed of the fault generator; `nil` takes one from the system's random source.
    public var seed: UInt64?
    /// Delay added before every answer, in milliseconds.
    public var latencyMilliseconds: Int
    /// Share of payment messages answered HTTP 500 without being executed.
    public var failRate: Double
    /// Share of payment messages executed and committed, then answered by dropping the connection.
    public var dropAfterExecuteRate: Double
    /// Share of payment messages executed, then answered 200 with a body that is not well-formed XML.
    public var malformedRate: Double
    /// Length of the maintenance period in seconds; `nil` for no maintenance window.
    public var maintenanceEverySeconds: Int?
    /// The first this-many seconds of every period are maintenance (HTTP 503, nothing executed).
    public var maintenanceDurationSeconds: Int?
    /// Share of (account, day) end-of-day statements left out of the first answer that covers them.
    public var statementGapRate: Double
    /// Share of (account, day) statements that list one entry twice (the balances ignore the copy).
    public var duplicateEntryRate: Double
    /// Share of (account, day) whose last debit is reported a day late, in the next day's statement.
    public var lateEntryRate: Double
    /// The most simulated incoming customer payments per account and day (a draw from 0 to this).
    public var incomingCreditsPerDay: Int
    /// Share of bookings whose electronic receipt the bank never issues (drawn per booking, like the
    /// statement faults): its receipt queries leave it out. CMB's receipt query honours it.
    public var withheldReceiptRate: Double = 0

    public init(seed: UInt64? = nil, latencyMilliseconds: Int = 0, failRate: Double = 0,
                dropAfterExecuteRate: Double = 0, malformedRate: Double = 0,
                maintenanceEverySeconds: Int? = nil, maintenanceDurationSeconds: Int? = nil,
                statementGapRate: Double = 0, duplicateEntryRate: Double = 0, lateEntryRate: Double = 0,
                incomingCreditsPerDay: Int = 2) {
        self.seed = seed
        self.latencyMilliseconds = latencyMilliseconds
        self.failRate = failRate
        self.dropAfterExecuteRate = dropAfterExecuteRate
        self.malformedRate = malformedRate
        self.maintenanceEverySeconds = maintenanceEverySeconds
        self.maintenanceDurationSeconds = maintenanceDurationSeconds
        self.statementGapRate = statementGapRate
        self.duplicateEntryRate = duplicateEntryRate
        self.lateEntryRate = lateEntryRate
        self.incomingCreditsPerDay = incomingCreditsPerDay
    }

    /// Checks ranges; the first problem is thrown with the flag's name.
    public func validate() throws(BankSimulatorOptionsError) {
        for (flag, rate) in [("--fail-rate", failRate), ("--drop-after-execute-rate", dropAfterExecuteRate),
                             ("--malformed-rate", malformedRate), ("--statement-gap-rate", statementGapRate),
                             ("--duplicate-entry-rate", duplicateEntryRate), ("--late-entry-rate", lateEntryRate),
                             ("withheld receipt rate", withheldReceiptRate)] {
            guard rate.isFinite, rate >= 0, rate <= 1 else {
                throw BankSimulatorOptionsError("\(flag) must be a probability from 0 to 1, not \(rate)")
            }
        }
        guard (0...600_000).contains(latencyMilliseconds) else {
            throw BankSimulatorOptionsError("--latency-ms must be from 0 to 600000, not \(latencyMilliseconds)")
        }
        guard (0...StatementDraws.maxIncomingCreditsPerDay).contains(incomingCreditsPerDay) else {
            throw BankSimulatorOptionsError(
                "--incoming-credits-per-day must be from 0 to \(StatementDraws.maxIncomingCreditsPerDay), not \(incomingCreditsPerDay)")
        }
        switch (maintenanceEverySeconds, maintenanceDurationSeconds) {
        case (nil, nil):
            break
        case (let every?, let duration?):
            guard every > 0 else {
                throw BankSimulatorOptionsError("--maintenance-every-s must be at least 1, not \(every)")
            }
            guard duration > 0, duration < every else {
                throw BankSimulatorOptionsError(
                    "--maintenance-duration-s must be at least 1 and less than --maintenance-every-s (\(every)), not \(duration)")
            }
        default:
            throw BankSimulatorOptionsError("--maintenance-every-s and --maintenance-duration-s go together")
        }
    }

    /// Whether `elapsedMilliseconds` after start falls in a maintenance window: the first
    /// `maintenanceDurationSeconds` of every `maintenanceEverySeconds` period since start.
    public func isMaintenance(elapsedMilliseconds: Int64) -> Bool {
        guard let every = maintenanceEverySeconds, let duration = maintenanceDurationSeconds,
              every > 0, elapsedMilliseconds >= 0 else { return false }
        return elapsedMilliseconds % (Int64(every) * 1000) < Int64(duration) * 1000
    }
}

/// What the fault generator decided for one payment message.
public enum FaultDecision: Hashable, Sendable {
    /// Process normally.
    case none
    /// Answer HTTP 500 without executing (folder mode: leave the file for a later poll).
    case fail
    /// Execute and commit, then drop the connection without an answer (folder mode: write no answer).
    case dropAfterExecute
    /// Execute and commit, then answer with a broken body.
    case malformed
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator whose whole state is one `UInt64`.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

/// Draws fault decisions from a seeded generator, one draw of three numbers per payment message.
public final class FaultInjector: Sendable {
    private let generator: Mutex<SplitMix64>
    /// The settings the decisions are drawn for.
    public let settings: FaultSettings
    /// The seed in use (the given one, or the one taken from the system).
    public let seed: UInt64

    public init(settings: FaultSettings) {
        self.settings = settings
        var system = SystemRandomNumberGenerator()
        seed = settings.seed ?? system.next()
        generator = Mutex(SplitMix64(seed: seed))
    }

    /// The decision for the next payment message. Always consumes exactly three numbers.
    public func nextDecision() -> FaultDecision {
        let (fail, drop, malformed) = generator.withLock { rng in
            (rng.nextUnit(), rng.nextUnit(), rng.nextUnit())
        }
        if fail < settings.failRate { return .fail }
        if drop < settings.dropAfterExecuteRate { return .dropAfterExecute }
        if malformed < settings.malformedRate { return .malformed }
        return .none
    }

    /// Whether the receipt of booking `movementId` on `account` is withheld (``FaultSettings/withheldReceiptRate``).
    func withholdsReceipt(account: String, movementId: Int64) -> Bool {
        StatementDraws(seed: seed).hits("withheld-receipt", rate: settings.withheldReceiptRate, account: account, day: movementId)
    }
}
