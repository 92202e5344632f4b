import BankGateCore
import XCTest

/// Approval rules as pure functions: filters, each condition, thresholds exact at the minor unit,
/// business hours in a fixed offset with weekends outside.
final class ApprovalRuleTests: XCTestCase {
    let cny = Currency(code: "CNY")!
    let eur = Currency(code: "EUR")!
    /// Friday 2026-11-20 01:00 UTC: 09:00 in UTC+8.
    let fridayNineInShanghai = Timestamp(milliseconds: 1_795_136_400_000)

    func subject(_ minor: Int64, _ currency: Currency? = nil, kind: PaymentKind = .single, account: String = "acme-cny") -> ApprovalSubject {
        ApprovalSubject(debtorAccountId: account, creditorAccount: "6222000011112222", amount: Money(minorUnits: minor, currency: currency ?? cny),
                        kind: kind)
    }

    func matches(_ rule: ApprovalRule, _ subject: ApprovalSubject, batch: BatchFacts? = nil, at: Timestamp? = nil,
                 newCreditor: Bool = false) -> Bool {
        rule.matches(subject, batch: batch, at: at ?? fridayNineInShanghai) { newCreditor }
    }

    func testTheAmountThresholdIsExactAtTheMinorUnit() {
        let rule = ApprovalRule(name: "large", currencies: ["CNY"], amountAtLeast: Money(minorUnits: 10_000_000, currency: cny), approvals: 2)
        XCTAssertTrue(matches(rule, subject(10_000_000)))
        XCTAssertFalse(matches(rule, subject(9_999_999)))
        XCTAssertTrue(matches(rule, subject(10_000_001)))
        XCTAssertFalse(matches(rule, subject(50_000_000, eur)), "another currency is filtered out")
    }

    func testFiltersByAccountAndKind() {
        let rule = ApprovalRule(name: "r", accounts: ["acme-cny"], kinds: [.batch, .payroll],
                                amountAtLeast: Money(minorUnits: 1, currency: cny), approvals: 1)
        XCTAssertFalse(matches(rule, subject(100)), "single is not a listed kind")
        XCTAssertTrue(matches(rule, subject(100, kind: .batch)))
        XCTAssertTrue(matches(rule, subject(100, kind: .payroll)))
        XCTAssertFalse(matches(rule, subject(100, kind: .batch, account: "other")))
    }

    func testNewCreditorIsAskedOnlyWhenConfigured() {
        let rule = ApprovalRule(name: "new", newCreditor: true, approvals: 1)
        XCTAssertTrue(matches(rule, subject(1), newCreditor: true))
        XCTAssertFalse(matches(rule, subject(1), newCreditor: false))
        let other = ApprovalRule(name: "large", currencies: ["CNY"], amountAtLeast: Money(minorUnits: 100, currency: cny), approvals: 1)
        var asked = false
        _ = other.matches(subject(1), batch: nil, at: fridayNineInShanghai) { asked = true; return true }
        XCTAssertFalse(asked)
    }

    func testBatchConditionsApplyToBatchesOnly() {
        let size = ApprovalRule(name: "size", batchSizeOver: 2, approvals: 1)
        XCTAssertFalse(matches(size, subject(1), batch: nil))
        XCTAssertFalse(matches(size, subject(1, kind: .batch), batch: BatchFacts(count: 2, totals: [:])))
        XCTAssertTrue(matches(size, subject(1, kind: .batch), batch: BatchFacts(count: 3, totals: [:])))
        let total = ApprovalRule(name: "total", currencies: ["CNY"], batchTotalOver: Money(minorUnits: 100_000, currency: cny), approvals: 2)
        let exactly = BatchFacts(amounts: [Money(minorUnits: 60_000, currency: cny), Money(minorUnits: 40_000, currency: cny)])
        XCTAssertEqual(exactly.totals["CNY"], 100_000)
        XCTAssertFalse(matches(total, subject(60_000, kind: .batch), batch: exactly), "over, not at")
        let over = BatchFacts(amounts: [Money(minorUnits: 60_000, currency: cny), Money(minorUnits: 40_001, currency: cny)])
        XCTAssertTrue(matches(total, subject(60_000, kind: .batch), batch: over))
    }

    func testBusinessHoursInTheirOffsetWithWeekendsOutside() throws {
        let hours = try XCTUnwrap(BusinessHours(hours: "09:00-18:00", utcOffset: "+08:00"))
        let minute: Int64 = 60_000
        XCTAssertFalse(hours.isOutside(fridayNineInShanghai), "09:00 local is inside")
        XCTAssertTrue(hours.isOutside(fridayNineInShanghai.adding(milliseconds: -minute)), "08:59 local")
        XCTAssertFalse(hours.isOutside(fridayNineInShanghai.adding(milliseconds: 9 * 60 * minute - 1)), "17:59:59.999 local")
        XCTAssertTrue(hours.isOutside(fridayNineInShanghai.adding(milliseconds: 9 * 60 * minute)), "18:00 local")
        // Friday 16:00 UTC is Saturday 00:00 in Shanghai; Saturday noon there is outside too.
        XCTAssertTrue(hours.isOutside(fridayNineInShanghai.adding(milliseconds: 27 * 60 * minute)))
        XCTAssertTrue(hours.isOutside(fridayNineInShanghai.adding(milliseconds: 27 * 60 * minute + 12 * 60 * minute)))
        // Monday 09:00 in Shanghai is Monday 01:00 UTC.
        XCTAssertFalse(hours.isOutside(fridayNineInShanghai.adding(milliseconds: 3 * 24 * 60 * minute)))
        // The same instant in UTC-5 is Thursday 20:00: outside; in UTC it is Friday 01:00: outside.
        XCTAssertTrue(try XCTUnwrap(BusinessHours(hours: "09:00-18:00", utcOffset: "-05:00")).isOutside(fridayNineInShanghai))
        XCTAssertTrue(try XCTUnwrap(BusinessHours(hours: "09:00-18:00", utcOffset: "+00:00")).isOutside(fridayNineInShanghai))
        XCTAssertFalse(try XCTUnwrap(BusinessHours(hours: "00:00-24:00", utcOffset: "+00:00")).isOutside(fridayNineInShanghai))
        let rule = ApprovalRule(name: "after-hours", outsideBusinessHours: hours, approvals: 1)
        XCTAssertFalse(matches(rule, subject(1)))
        XCTAssertTrue(matches(rule, subject(1), at: fridayNineInShanghai.adding(milliseconds: -minute)))
    }

    func testMalformedHoursAreRefused() {
        XCTAssertNil(BusinessHours(hours: "18:00-09:00", utcOffset: "+08:00"))
        XCTAssertNil(BusinessHours(hours: "9:00-18:00", utcOffset: "+08:00"))
        XCTAssertNil(BusinessHours(hours: "09:00-18:00", utcOffset: "08:00"))
        XCTAssertNil(BusinessHours(hours: "09:00-25:00", utcOffset: "+08:00"))
        XCTAssertEqual(BusinessHours(hours: "09:30-17:45", utcOffset: "-03:30"),
                       BusinessHours(startMinute: 570, endMinute: 1_065, utcOffsetMinutes: -210))
    }
}
