public import BankGateConfig
public import BankGateCore
import BankGateStore
import Logging
import Synchronization

/// The plans in force: the configuration file's and those made through the API.
struct PlanSet: Sendable {
    var configured: [ScheduleConfig]
    /// Made through the API, by name, with who made them and when.
    var made: [String: (plan: ScheduleConfig, by: String, at: Timestamp)] = [:]

    /// The file's plans first, then the API's by name; a file plan hides an API plan of its name.
    var all: [ScheduleConfig] {
        let names = Set(configured.map(\.name))
        return configured + made.keys.sorted().compactMap { names.contains($0) ? nil : made[$0]?.plan }
    }
}

/// Plans made through the API (`POST /v1/schedules`, `DELETE /v1/schedules/{name}`): checked as the
/// configuration file's plans are, kept in the store (audited) and put in force at once; at every
/// start they are read again and checked against the configuration then in force. A
/// `batch_release` plan is made in the file only: intake holds batches for it from start.
extension ScheduleService {
    /// Who made `name` through the API, and when; `nil` for the file's plans.
    func madeBy(_ name: String) -> (principal: String, at: Timestamp)? {
        current.withLock { set in
            guard !set.configured.contains(where: { $0.name == name }), let made = set.made[name] else { return nil }
            return (made.by, made.at)
        }
    }

    /// Checks `definition` (the TOML lines of one `[[schedules]]` entry), then `permit` (what the
    /// caller may name), keeps it, audited with `actor`, and puts it in force: `invalid_value`
    /// naming the key at fault, `conflict` for a name in use, or what `permit` throws.
    public func createPlan(definition: String, actor: String,
                           permit: (ScheduleConfig) throws(GatewayError) -> Void = { _ in }) async throws(GatewayError) -> ScheduleOverview {
        let plan: ScheduleConfig
        do {
            plan = try ScheduleConfig.parse(definition: definition, calendars: calendars, accounts: accountList,
                                            takenNames: plans.map(\.name))
        } catch {
            let isTaken = error.key == "name" && error.problem.contains("exists already")
            throw GatewayError(isTaken ? .conflict : .validation, code: isTaken ? .nameInUse : .invalidValue,
                               message: error.problem, field: error.key)
        }
        guard plan.kind != .batchRelease else {
            throw GatewayError(.validation, code: .invalidValue,
                               message: "a batch_release plan is made in the configuration file (intake holds batches for it)",
                               field: "kind")
        }
        try permit(plan)
        let now = clock.now()
        let kept: Bool
        do {
            kept = try await store.addSchedulePlan(StoredSchedulePlan(name: plan.name, definition: definition, createdBy: actor,
                                                                      createdAt: now))
        } catch {
            throw GatewayError(storeError: error)
        }
        guard kept else { throw GatewayError(.conflict, code: .nameInUse, message: "a plan named \"\(plan.name)\" exists already", field: "name") }
        current.withLock { $0.made[plan.name] = (plan, actor, now) }
        logger.notice("schedule created", metadata: ["plan": "\(plan.name)", "kind": "\(plan.kind.rawValue)", "actor": "\(actor)"])
        return ScheduleOverview(plan: plan, lastJob: nil, nextRun: plan.times.next(after: now), madeBy: (actor, now))
    }

    /// Removes a plan made through the API (audited); its jobs stay. `not_found` for no such plan,
    /// `invalid_state` for a plan of the configuration file.
    public func deletePlan(name: String, actor: String) async throws(GatewayError) {
        if current.withLock({ set in set.configured.contains { $0.name == name } }) {
            throw GatewayError(.conflict, code: .invalidState,
                               message: "this plan is defined in the configuration file; remove it there and reload")
        }
        let removed: Bool
        do { removed = try await store.removeSchedulePlan(name: name, actor: actor, at: clock.now()) } catch {
            throw GatewayError(storeError: error)
        }
        guard removed else { throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name") }
        current.withLock { _ = $0.made.removeValue(forKey: name) }
        logger.notice("schedule deleted", metadata: ["plan": "\(name)", "actor": "\(actor)"])
    }

    /// Reads the plans made through the API and puts those that still check out in force (at start).
    public func loadMadePlans() async {
        let stored: [StoredSchedulePlan]
        do { stored = try await store.schedulePlans() } catch {
            logger.error("cannot read the plans made through the API", metadata: ["error": "\(error)"])
            return
        }
        var made: [String: (plan: ScheduleConfig, by: String, at: Timestamp)] = [:]
        for entry in stored {
            do {
                let plan = try ScheduleConfig.parse(definition: entry.definition, calendars: calendars, accounts: accountList)
                made[plan.name] = (plan, entry.createdBy, entry.createdAt)
            } catch {
                logger.error("a plan made through the API no longer checks out against the configuration; not run",
                             metadata: ["plan": "\(entry.name)", "error": "\(error)"])
            }
        }
        current.withLock { $0.made = made }
    }
}
