import BankGateCore
import XCTest

final class PaymentStateMachineTests: XCTestCase {
    /// Every (from, to, cause) triple is either in the table or refused — there is no third way.
    func testEveryTransitionOutsideTheTableIsRefused() {
        let causes: [TransitionCause] = [.api, .dispatcher, .bank, .recovery, .operator]
        var allowed = 0
        var refused = 0
        for from in PaymentStatus.allCases {
            for to in PaymentStatus.allCases {
                for cause in causes {
                    let inTable = PaymentStateMachine.table[from]?[to]?.contains(cause) ?? false
                    XCTAssertEqual(PaymentStateMachine.allows(from: from, to: to, cause: cause), inTable)
                    if inTable {
                        XCTAssertNoThrow(try PaymentStateMachine.check(from: from, to: to, cause: cause))
                        allowed += 1
                    } else {
                        XCTAssertThrowsError(try PaymentStateMachine.check(from: from, to: to, cause: cause)) { error in
                            XCTAssertEqual(error as? IllegalTransition, IllegalTransition(from: from, to: to, cause: cause))
                        }
                        refused += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(allowed, 40)
        XCTAssertEqual(allowed + refused, PaymentStatus.allCases.count * PaymentStatus.allCases.count * causes.count)
    }

    func testEveryStatusHasARow() {
        for status in PaymentStatus.allCases {
            XCTAssertNotNil(PaymentStateMachine.table[status], "\(status) has no row")
        }
    }

    func testTerminalStatusesOnlyLeaveByOperatorRetryOrReturn() {
        for status in PaymentStatus.allCases where status.isTerminal {
            for (to, causes) in PaymentStateMachine.table[status] ?? [:] {
                switch (status, to) {
                case (.completed, .returned): XCTAssertEqual(causes, [.bank])
                case (.failed, .queued): XCTAssertEqual(causes, [.operator])
                default: XCTFail("\(status) → \(to) leaves a terminal status")
                }
            }
        }
    }

    /// The exactly-once rules written into the table.
    func testAPaymentThatMayHaveReachedTheBankIsNeverQueuedBlindly() {
        // Only the bank (a status query answering "never received") may requeue an unknown payment.
        XCTAssertFalse(PaymentStateMachine.allows(from: .unknown, to: .queued, cause: .dispatcher))
        XCTAssertFalse(PaymentStateMachine.allows(from: .unknown, to: .queued, cause: .operator))
        XCTAssertTrue(PaymentStateMachine.allows(from: .unknown, to: .queued, cause: .bank))
        // An unconfirmed payment is never marked failed.
        XCTAssertFalse(PaymentStateMachine.allows(from: .unknown, to: .failed, cause: .dispatcher))
        XCTAssertFalse(PaymentStateMachine.allows(from: .submitted, to: .failed, cause: .dispatcher))
        // Cancel is refused once the payment may have reached the bank.
        for status in PaymentStatus.allCases where status.mayHaveReachedBank {
            XCTAssertFalse(PaymentStateMachine.allows(from: status, to: .cancelled, cause: .api), "\(status)")
        }
        // Recovery can only move an interrupted send to unknown.
        for from in PaymentStatus.allCases {
            for to in PaymentStatus.allCases where PaymentStateMachine.allows(from: from, to: to, cause: .recovery) {
                XCTAssertEqual(from, .sending)
                XCTAssertEqual(to, .unknown)
            }
        }
    }
}
