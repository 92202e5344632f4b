import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// The optional payment fields on their way to the bank: stored at intake, read back by the
/// lane and written into the pain.001 it sends; a batch that mixes payment types goes as one
/// message per type.
final class PaymentDetailsDispatchTests: XCTestCase {
    static func detailed(_ endToEndId: String, bearer: ChargeBearer, priority: PaymentPriority? = .urgent) -> PaymentRequest {
        var request = DispatcherHarness.request(minorUnits: 5_000, endToEndId: endToEndId)
        request.creditor.bankName = "BNP Paribas"
        request.creditor.bankBranch = "Agence Opéra"
        request.creditor.address = PostalAddress(street: "1 rue de la Paix", town: "Paris", postalCode: "75002", country: "FR",
                                                 lines: ["Bâtiment B"])
        request.details = TransferDetails(purpose: "Loyer novembre", priority: priority, categoryPurpose: "SUPP",
                                          chargeBearer: bearer, sameBank: false)
        request.duplicateIntended = true  // the same rent, on purpose, in several messages
        return request
    }

    func testTheSentMessageCarriesTheStoredFields() async throws {
        try await withHarness { h in
            let payment = try await h.submitOne(Self.detailed("E2E-DETAILS", bearer: .shared))
            let stored = try await h.payment(payment.id)
            XCTAssertEqual(stored.details, Self.detailed("x", bearer: .shared).details)
            XCTAssertEqual(stored.creditor.address?.lines, ["Bâtiment B"])
            try await h.waitForStatus(payment.id, .completed)
            let first = await h.transport.submitted.first
            let sent = try XCTUnwrap(first)
            let text = String(decoding: sent.bytes, as: UTF8.self)
            for expected in ["<InstrPrty>HIGH</InstrPrty>", "<Cd>SUPP</Cd>", "<ChrgBr>SHAR</ChrgBr>", "<Nm>BNP Paribas</Nm>",
                             "<BrnchId>\n", "<Nm>Agence Opéra</Nm>", "<StrtNm>1 rue de la Paix</StrtNm>", "<PstCd>75002</PstCd>",
                             "<TwnNm>Paris</TwnNm>", "<Ctry>FR</Ctry>", "<AdrLine>Bâtiment B</AdrLine>",
                             "<Prtry>Loyer novembre</Prtry>"] {
                XCTAssertTrue(text.contains(expected), expected)
            }
        }
    }

    /// A payment stored without details (as every payment accepted before them) is sent as it
    /// always was: `SLEV`, no payment type.
    func testAPaymentWithoutDetailsIsSentAsBefore() async throws {
        try await withHarness { h in
            let payment = try await h.submitOne()
            let stored = try await h.payment(payment.id)
            XCTAssertEqual(stored.details, TransferDetails())
            try await h.waitForStatus(payment.id, .completed)
            let first = await h.transport.submitted.first
            let sent = try XCTUnwrap(first)
            let text = String(decoding: sent.bytes, as: UTF8.self)
            XCTAssertTrue(text.contains("<ChrgBr>SLEV</ChrgBr>"))
            XCTAssertFalse(text.contains("PmtTpInf"))
        }
    }

    func testABatchMixingChargeBearersGoesAsOneMessagePerBearer() async throws {
        try await withHarness { h in
            let payments = try await h.submit([Self.detailed("E-1", bearer: .shared), Self.detailed("E-2", bearer: .debtor),
                                               Self.detailed("E-3", bearer: .shared), Self.detailed("E-4", bearer: .shared, priority: nil)],
                                              asBatch: true)
            XCTAssertEqual(payments[0].messageId, payments[2].messageId)
            XCTAssertEqual(Set(payments.map(\.messageId)).count, 3)
            for payment in payments { try await h.waitForStatus(payment.id, .completed) }
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 3)
            let shared = try XCTUnwrap(sent.first { $0.messageId == payments[0].messageId })
            XCTAssertEqual(BankDocuments.endToEndIds(in: shared.bytes), ["E-1", "E-3"])
            XCTAssertEqual(BankDocuments.element("ChrgBr", in: shared.bytes), "SHAR")
            let debtor = try XCTUnwrap(sent.first { $0.messageId == payments[1].messageId })
            XCTAssertEqual(BankDocuments.element("ChrgBr", in: debtor.bytes), "DEBT")
            let normal = try XCTUnwrap(sent.first { $0.messageId == payments[3].messageId })
            XCTAssertNil(BankDocuments.element("InstrPrty", in: normal.bytes))
        }
    }
}
