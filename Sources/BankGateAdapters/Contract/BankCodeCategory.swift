public import BankGateCore

/// What bankgate makes of one bank code, the same for every bank: the third column of every
/// `adapters/<bank>/codes.tsv`. A code a table does not list has no category, which the codecs read
/// as ``unknown`` — never as success.
///
/// The first seven say what happened to a payment; the last four are about the answer itself
/// (its envelope, or a step of the bank's flow) and each is read only by the banks that name it
/// in their table's categories.
public enum BankCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// The bank has the payment, nothing has moved yet (awaiting the company's approval, booked
    /// for a later day).
    case accepted
    /// The bank is working on it: ask again later.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good, with the code as reason.
    case rejected
    /// Paid, then returned (退票) or refunded.
    case returned
    /// Nothing was done: send the same message (same client reference) again later.
    case retryLater = "retry_later"
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown
    /// The envelope's success code (CMB `RETCOD=0`, ICBC `RetCode=0`, CCB `000000`, ABC `0000`,
    /// BOC `B001`): the request went through, the result is read from the body. What it says of a
    /// payment is up to the bank's codec.
    case ok
    /// CMB `REQSTS=FIN`: the request is finished, its result is in `RTNFLG`.
    case final
    /// BOC: the session is not signed in or its token expired (未签到): sign in again, then resend a
    /// query or ask a payment's status.
    case signInRequired = "sign_in_required"
    /// CCB: the status query found no request with that number: the bank never received it.
    case notFound = "not_found"

    /// The categories that say what happened to a payment, which every bank's table may use.
    public static let outcomes: [BankCodeCategory] = [.accepted, .processing, .completed, .rejected, .returned, .retryLater, .unknown]

    /// The payment status of a business result; `nil` for the categories that are not one
    /// (``retryLater`` and the envelope and flow categories).
    public var paymentStatus: PaymentStatus? {
        switch self {
        case .accepted: .submitted
        case .processing: .processing
        case .completed: .completed
        case .rejected: .rejected
        case .returned: .returned
        case .unknown: .unknown
        case .retryLater, .ok, .final, .signInRequired, .notFound: nil
        }
    }
}
