import BankGateAPI
import BankGateCore
import BankGateStore
import Logging

/// Refused API requests as audit records (`api.unauthorized` by `anonymous`, `api.forbidden` by
/// the token's name; subject the method and path, details the peer's address and how many from it
/// were not recorded singly), and as a warning in the log.
struct AuditedAccessFailures: AccessFailureRecording {
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger

    func record(_ failure: AccessFailure, suppressedBefore: Int) async {
        let from = failure.remoteAddress ?? "an unknown address"
        var details = "from \(from): \(failure.message)"
        if suppressedBefore > 0 { details += " (\(suppressedBefore) more from this address since its last record)" }
        logger.warning("API request refused", metadata: ["kind": "\(failure.kind)", "from": "\(from)",
                                                         "request": "\(failure.method) \(failure.path)",
                                                         "token": "\(failure.principal ?? "-")"])
        do {
            // A forbidden request names its token (it authenticated); a missing or unknown one is anonymous.
            try await store.appendAudit(at: clock.now(), actor: failure.principal ?? "anonymous", action: "api." + failure.kind,
                                        subject: ("api", failure.method + " " + failure.path), details: details)
        } catch {
            logger.error("a refused request could not be audited", metadata: ["error": "\(error)"])
        }
    }
}
