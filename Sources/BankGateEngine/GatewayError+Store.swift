import BankGateStore
import BankGateCore

extension GatewayError {
    /// The one place store errors become API errors. Database detail is never returned: anything
    /// unexpected becomes `store_unavailable` (the caller logs it).
    init(storeError error: any Error) {
        switch error {
        case let error as GatewayError:
            self = error
        case StoreError.notFound(let what):
            self = GatewayError(.notFound, code: .notFound, message: "\(what) not found")
        case StoreError.conflict(let current, let message):
            self = GatewayError(.conflict, code: .invalidState, message: "\(message) (status \(current.rawValue))")
        case StoreError.invalidState(let message):
            self = GatewayError(.conflict, code: .invalidState, message: message)
        default:
            self = GatewayError(.unavailable, code: .storeUnavailable, message: "the store could not complete the request")
        }
    }
}
