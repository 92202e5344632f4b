import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// The e-receipt codecs of CMB (front-end `SDKCSFDFBRT`), CMB cloud (`DCTRSINF` + `DCSIGREC`) and
/// ICBC (`QHISD` keys + `DownEBill`, `BATEBILL`): requests against their golden files byte for
/// byte, golden answers to receipts field by field, and the failures and empty answers.
final class ReceiptCodecTests: XCTestCase {
    /// The first bytes of a PDF that the golden document answers carry (not a whole PDF: the codecs
    /// pass the file through and read only its type).
    private static let goldenDocument = Array("%PDF-1.7\n% bankgate golden sample: the first bytes of a PDF, not a whole document\n".utf8)

    // MARK: - CMB front-end

    func testCMBRequestsEqualTheGoldenFiles() throws {
        let adapter = CMBFixtures.adapter
        let cases: [(String, EncodedMessage)] = [
            ("sdkcsfdfbrt-request.xml", try adapter.encodeReceiptQuery(account: CMBFixtures.debtor, fromDate: "2026-11-01",
                                                                       toDate: "2026-11-23", continuation: nil, queryId: "q-4",
                                                                       createdAt: CMBFixtures.createdAt)),
            ("sdkcsfdfbrtimg-request.xml", try adapter.encodeReceiptImageRequest(account: CMBFixtures.debtor, fromDate: "2026-11-01",
                                                                                 toDate: "2026-11-23", receiptCode: "HD002013",
                                                                                 queryId: "q-5")),
        ]
        for (file, encoded) in cases {
            XCTAssertTrue(encoded.bytes == (try CMBFixtures.sample(file)), "\(file) differs byte for byte")
        }
        XCTAssertEqual(cases[0].1.kind, "CMB.SDKCSFDFBRT")
        XCTAssertEqual(cases[0].1.fileName, "SDKCSFDFBRT-q-4.xml")
    }

    func testCMBRefusesAPeriodOverItsLimit() {
        XCTAssertThrowsError(try CMBFixtures.adapter.encodeReceiptQuery(account: CMBFixtures.debtor, fromDate: "2026-10-01",
                                                                        toDate: "2026-11-23", queryId: "q")) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "CSRRCFDFY0/ENDDAT")
        }
        XCTAssertThrowsError(try CMBFixtures.adapter.encodeReceiptQuery(account: CMBFixtures.debtor, fromDate: "2026-11-23",
                                                                        toDate: "2026-11-22", queryId: "q"))
    }

    func testCMBAnswerToReceipts() throws {
        let adapter = CMBFixtures.adapter
        XCTAssertTrue(adapter.capabilities.contains(.receipts))
        let page = try adapter.decodeReceiptQueryPage(try CMBFixtures.sample("sdkcsfdfbrt-answer.xml"), account: CMBFixtures.debtor)
        XCTAssertNil(page.continuation)
        XCTAssertEqual(page.receipts.count, 3, "the fee items (AGFEERRCZ2) are no receipt of their own")

        let sent = page.receipts[0]
        XCTAssertEqual(sent.receiptNumber, "7550007045235")
        XCTAssertEqual(sent.bankSerial, "G0266100021630C", "TRSSEQ of the CSRRCFDFZ1 summary")
        XCTAssertEqual(sent.clientReference, "BGI20261123000001")
        XCTAssertEqual(sent.accountNumber, "755912345610001")
        XCTAssertEqual(sent.bookingDate, "2026-11-23")
        XCTAssertEqual(sent.amount, Money(minorUnits: 1_234_567, currency: CMBFixtures.cny))
        XCTAssertEqual(sent.direction, .debit)
        XCTAssertEqual(sent.counterparty, Counterparty(name: "上海某某贸易有限公司", account: "31001234567890123"))
        XCTAssertEqual(sent.counterpartyBankName, "中国工商银行上海市分行营业部")
        XCTAssertEqual(sent.purpose, "货款")
        XCTAssertEqual(sent.kind, "HD002013")
        XCTAssertEqual(sent.extraFields["CHKCOD"], "40B775834E3866B9")
        XCTAssertEqual(sent.extraFields["TSKNBR"], "G026610025538")
        XCTAssertEqual(sent.extraFields["SNDEAA"], "广东省深圳市")
        XCTAssertEqual(sent.extraFields["REFTCD"], "N02031")
        XCTAssertNil(sent.extraFields["TRSAMT"], "a mapped field is not repeated")
        XCTAssertNil(sent.document)
        XCTAssertNil(sent.documentKey)

        let received = page.receipts[1]
        XCTAssertEqual(received.direction, .credit)
        XCTAssertEqual(received.amount.minorUnits, 50_000)
        XCTAssertEqual(received.counterparty, Counterparty(name: "深圳某某咨询有限公司", account: "121909876510202"))
        XCTAssertEqual(received.counterpartyBankName, "招商银行深圳分行科技园支行")
        XCTAssertNil(received.clientReference, "a received payment carries no reference of ours")
        XCTAssertEqual(received.bankSerial, "G2785400016652C")
        XCTAssertEqual(received.purpose, "11月咨询费")

        let fee = page.receipts[2]
        XCTAssertEqual(fee.direction, .debit)
        XCTAssertEqual(fee.amount.minorUnits, 120)
        XCTAssertEqual(fee.bankSerial, "G88617000000493", "no TRSSEQ in its summary: TRXSET")
        XCTAssertEqual(fee.kind, "ABFEEPRTZ1")
        XCTAssertEqual(fee.counterpartyBankName, "深圳分行营业部")
        XCTAssertEqual(fee.extraFields["CHKCOD"], "9D1E0C5B957B4605")
    }

    func testCMBEmptyFailureAndImageAnswers() throws {
        let adapter = CMBFixtures.adapter
        XCTAssertEqual(try adapter.decodeReceiptQueryPage(try CMBFixtures.sample("sdkcsfdfbrt-answer-empty.xml"),
                                                          account: CMBFixtures.debtor).receipts, [])
        XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(try CMBFixtures.sample("sdkcsfdfbrt-answer-failure.xml"),
                                                                account: CMBFixtures.debtor)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "INFO/RETCOD")
            XCTAssertTrue((error as? AdapterError)?.message.contains("RETCOD -2") == true)
        }
        XCTAssertEqual(try adapter.decodeReceiptImageAnswer(try CMBFixtures.sample("sdkcsfdfbrtimg-answer.xml")), "回单图片查询成功!")
        let receipt = BankReceipt(accountNumber: "755912345610001", bookingDate: "2026-11-23",
                                  amount: Money(minorUnits: 1, currency: CMBFixtures.cny), direction: .debit)
        XCTAssertNil(try adapter.encodeReceiptDocumentRequest(for: receipt, account: CMBFixtures.debtor, queryId: "q",
                                                              createdAt: CMBFixtures.createdAt))
    }

    // MARK: - CMB cloud

    func testCMBCloudDocumentRequestEqualsTheGoldenFile() throws {
        let adapter = CMBCloudFixtures.adapter
        let page = try adapter.decodeReceiptQueryPage(try CMBCloudFixtures.answer("dctrsinf-answer.json"), account: CMBFixtures.debtor)
        let request = try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(for: page.receipts[0], account: CMBFixtures.debtor,
                                                                             queryId: "q-5", createdAt: CMBFixtures.createdAt))
        XCTAssertEqual(String(decoding: request.bytes, as: UTF8.self),
                       String(decoding: try CMBCloudFixtures.golden("dcsigrec-request.json"), as: UTF8.self))
        XCTAssertEqual(request.kind, "CMB.DCSIGREC")
        XCTAssertTrue(adapter.needsSignature(request))
        // The receipt query is the day's transaction query.
        let query = try adapter.encodeReceiptQuery(account: CMBFixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-23",
                                                   continuation: "T0001", queryId: "q-3", createdAt: CMBFixtures.createdAt)
        XCTAssertEqual(String(decoding: query.bytes, as: UTF8.self),
                       String(decoding: try CMBCloudFixtures.golden("dctrsinf-request.json"), as: UTF8.self))
        XCTAssertEqual(adapter.maxReceiptQueryDays, 1)
        XCTAssertTrue(adapter.capabilities.contains(.receipts))
    }

    func testCMBCloudTransactionsToReceipts() throws {
        let page = try CMBCloudFixtures.adapter.decodeReceiptQueryPage(try CMBCloudFixtures.answer("dctrsinf-answer.json"),
                                                                      account: CMBFixtures.debtor)
        XCTAssertEqual(page.continuation, "T0002")
        XCTAssertEqual(page.receipts.count, 2)
        let debit = page.receipts[0]
        XCTAssertEqual(debit.bankSerial, "K2026112300001")
        XCTAssertEqual(debit.clientReference, "BGI20261123000001")
        XCTAssertEqual(debit.amount.minorUnits, 1_234_567)
        XCTAssertEqual(debit.direction, .debit)
        XCTAssertEqual(debit.counterparty.name, "上海某某贸易有限公司")
        XCTAssertEqual(debit.counterparty.account, "31001234567890123")
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.purpose, "货款")
        XCTAssertEqual(debit.kind, "CPAY")
        XCTAssertEqual(debit.documentKey, "20261123|K2026112300001")
        XCTAssertEqual(debit.extraFields["narext"], "合同HT-2026-118")
        let credit = page.receipts[1]
        XCTAssertEqual(credit.direction, .credit)
        XCTAssertEqual(credit.amount.minorUnits, 50_000)
        XCTAssertNil(credit.clientReference)
        XCTAssertEqual(credit.counterparty.name, "深圳某某咨询有限公司")

        let empty = try CMBCloudFixtures.adapter.decodeReceiptQueryPage(try CMBCloudFixtures.answer("dctrsinf-answer-empty.json"),
                                                                       account: CMBFixtures.debtor)
        XCTAssertEqual(empty, ReceiptQueryPage(receipts: []))
    }

    func testCMBCloudDocumentAnswers() throws {
        let adapter = CMBCloudFixtures.adapter
        let document = try adapter.decodeReceiptDocument(try CMBCloudFixtures.answer("dcsigrec-answer.json"))
        XCTAssertEqual(document, ReceiptDocument(contentType: "application/pdf", bytes: Self.goldenDocument))
        let identity = try adapter.decodeReceiptDocumentIdentity(try CMBCloudFixtures.answer("dcsigrec-answer.json"))
        XCTAssertEqual(identity.receiptNumber, "7550007045235")
        XCTAssertEqual(identity.checkCode, "40B775834E3866B9")
        XCTAssertThrowsError(try adapter.decodeReceiptDocument(try CMBCloudFixtures.answer("dcsigrec-answer-failure.json"))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "response.head.resultcode")
        }
        XCTAssertThrowsError(try adapter.decodeReceiptDocument(try CMBCloudFixtures.answer("dcsigrec-answer-empty.json"))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "response.body.fildat")
        }
        // Signed by another key: not trusted, whatever it carries.
        let forged = try CMBCloudFixtures.bankAnswer(try CMBCloudFixtures.sample("dcsigrec-answer.json"), key: CMBCloudFixtures.clientKey)
        XCTAssertThrowsError(try adapter.decodeReceiptDocument(forged))
    }

    // MARK: - ICBC

    func testICBCRequestsEqualTheGoldenFiles() throws {
        let adapter = ICBCFixtures.adapter
        let page = try adapter.decodeReceiptQueryPage(try ICBCFixtures.sample("qhisd-answer.xml"), account: ICBCFixtures.debtor)
        var receipt = page.receipts[0]
        receipt.documentKey = "0200|00600|20295|000734"
        let download = try XCTUnwrap(try adapter.encodeReceiptDocumentRequest(for: receipt, account: ICBCFixtures.debtor,
                                                                              queryId: "BGQ20261123000007",
                                                                              createdAt: ICBCFixtures.createdAt))
        XCTAssertTrue(download.bytes == (try ICBCFixtures.sample("downebill-request.xml")), "downebill-request.xml differs")
        XCTAssertTrue(adapter.needsSignature(download))
        let keys = [try XCTUnwrap(ICBCReceiptKey(toutfo: "0200|0600|20295|000734", date: "2026-11-23")),
                    try XCTUnwrap(ICBCReceiptKey(toutfo: "0200|0600|20295|000735", date: "2026-11-23"))]
        let batch = try adapter.encodeReceiptBatchQuery(keys: keys, account: ICBCFixtures.debtor, queryId: "BGQ20261123000008",
                                                        createdAt: ICBCFixtures.createdAt)
        XCTAssertTrue(batch.bytes == (try ICBCFixtures.sample("batebill-request.xml")), "batebill-request.xml differs")
        XCTAssertTrue(adapter.needsSignature(batch))
        let query = try adapter.encodeReceiptQuery(account: ICBCFixtures.debtor, fromDate: "2026-11-01", toDate: "2026-11-23",
                                                   continuation: nil, queryId: "BGQ20261123000005", createdAt: ICBCFixtures.createdAt)
        XCTAssertEqual(query.kind, "ICBC.QHISD")
        XCTAssertThrowsError(try adapter.encodeReceiptBatchQuery(keys: [], account: ICBCFixtures.debtor, queryId: "q",
                                                                 createdAt: ICBCFixtures.createdAt))
    }

    func testICBCTransactionsToReceipts() throws {
        let adapter = ICBCFixtures.adapter
        XCTAssertTrue(adapter.capabilities.contains(.receipts))
        let page = try adapter.decodeReceiptQueryPage(try ICBCFixtures.sample("qhisd-answer.xml"), account: ICBCFixtures.debtor)
        XCTAssertEqual(page.continuation, "20261115|0200|000345")
        XCTAssertEqual(page.receipts.count, 2)
        let debit = page.receipts[0]
        XCTAssertEqual(debit.bankSerial, "20295000734")
        XCTAssertEqual(debit.clientReference, "BGI20261123000001")
        XCTAssertEqual(debit.amount, Money(minorUnits: 1_234_567, currency: ICBCFixtures.cny))
        XCTAssertEqual(debit.direction, .debit)
        XCTAssertEqual(debit.counterparty, Counterparty(name: "北京某某贸易有限公司", account: "11001234567890123456",
                                                        bankCode: "105100000017"))
        XCTAssertEqual(debit.counterpartyBankName, "中国建设银行股份有限公司")
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.purpose, "合同HT-2026-118 货款 & 运费")
        XCTAssertEqual(debit.documentKey, "0200|0600|20295|000734")
        XCTAssertEqual(debit.extraFields["Summary"], "跨行汇款")
        let credit = page.receipts[1]
        XCTAssertEqual(credit.direction, .credit)
        XCTAssertEqual(credit.amount.minorUnits, 1_154_212)
        XCTAssertEqual(credit.counterparty.name, "尹某")
        XCTAssertNil(credit.clientReference)

        let empty = try adapter.decodeReceiptQueryPage(try ICBCFixtures.sample("qhisd-answer-empty.xml"), account: ICBCFixtures.debtor)
        XCTAssertEqual(empty, ReceiptQueryPage(receipts: []))
    }

    func testICBCDocumentAnswers() throws {
        let adapter = ICBCFixtures.adapter
        XCTAssertEqual(try adapter.decodeReceiptDocument(try ICBCFixtures.sample("downebill-answer.xml")),
                       ReceiptDocument(contentType: "application/pdf", bytes: Self.goldenDocument))
        XCTAssertThrowsError(try adapter.decodeReceiptDocument(try ICBCFixtures.sample("downebill-answer-failure.xml"))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "pub/RetCode")
            XCTAssertTrue((error as? AdapterError)?.message.contains("B0116") == true)
        }
        XCTAssertThrowsError(try adapter.decodeReceiptDocument(try ICBCFixtures.sample("downebill-answer-empty.xml"))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "out/FileContent")
        }
    }

    func testICBCBatchAnswerToReceipts() throws {
        let keys = [try XCTUnwrap(ICBCReceiptKey(toutfo: "0200|0600|20295|000734", date: "2026-11-23")),
                    try XCTUnwrap(ICBCReceiptKey(toutfo: "0200|0600|20295|000735", date: "2026-11-23"))]
        let receipts = try ICBCFixtures.adapter.decodeReceiptBatchAnswer(try ICBCFixtures.sample("batebill-answer.xml"),
                                                                          account: ICBCFixtures.debtor, keys: keys)
        XCTAssertEqual(receipts.count, 1, "the record with iRetCode B0116 is no receipt")
        let receipt = try XCTUnwrap(receipts.first)
        XCTAssertEqual(receipt.receiptNumber, "0200112326000734")
        XCTAssertEqual(receipt.bankSerial, "20295000734")
        XCTAssertEqual(receipt.amount.minorUnits, 1_234_567)
        XCTAssertEqual(receipt.direction, .debit)
        XCTAssertEqual(receipt.counterparty, Counterparty(name: "北京某某贸易有限公司", account: "11001234567890123456"))
        XCTAssertEqual(receipt.counterpartyBankName, "中国建设银行股份有限公司")
        XCTAssertEqual(receipt.bookingDate, "2026-11-23")
        XCTAssertEqual(receipt.purpose, "货款")
        XCTAssertEqual(receipt.kind, "汇兑")
        XCTAssertEqual(receipt.documentKey, "0200|0600|20295|000734")
        XCTAssertEqual(receipt.extraFields["EbillKey"], "8F3A5C21")
        XCTAssertEqual(receipt.extraFields["PostScript"], "合同HT-2026-118 货款 & 运费")
        XCTAssertThrowsError(try ICBCFixtures.adapter.decodeReceiptBatchAnswer(try ICBCFixtures.sample("downebill-answer-failure.xml"),
                                                                                account: ICBCFixtures.debtor))
    }

    // MARK: - Content types

    func testContentTypesAreReadFromTheBytes() {
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: Array("%PDF-1.4".utf8)), "application/pdf")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), "image/png")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: [0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: [0x50, 0x4B, 0x03, 0x04], zipContentType: "application/ofd"), "application/ofd")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: Array("电子回单\n金额: 1.00\n".utf8)), "text/plain; charset=utf-8")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: [0x00, 0x01]), "application/octet-stream")
        XCTAssertEqual(ReceiptDocument.contentType(sniffing: []), "application/octet-stream")
    }
}
