import BankGateAdapters
import BankGateCore
import BankGateCrypto
import Foundation

/// `bankgate-bench adapters --transfers 1000 --runs 5`: every bank's payment encoding in-process, one
/// thread, CNY transfers with Chinese names: single-transfer messages per second, and 1,000 transfers
/// cut into the bank's largest messages (ISO 20022 one message, CMB and ICBC 30 per message, BOC 99,
/// CCB and ABC one each), transfers per second; ICBC also sealed in the NetSafe Client's form with a
/// stand-in signed package the size of the document's Base64; ISO 20022 also signed (enveloped XML-DSig: exclusive
/// C14N and SHA-256 of the document, RSA-2048 PKCS#1 v1.5 over the canonical SignedInfo, the signature put in); CMB
/// cloud one each, also signed (SM2) and sealed (SM4, form), next to the SM2 signature alone. Then GBK transcoding
/// (`ChineseTextEncoding.gbk`) of a name and a remittance text.
enum AdapterBench {
    static let cny = Currency(code: "CNY")!

    static func run(_ options: Options) throws {
        let count = try options.int("transfers", default: 1_000)
        let runs = try options.int("runs", default: 5)
        let debtor = DebtorAccount(id: "acme-cny", bankId: "bench", number: "755912345610001", bankCode: "308584000013",
                                   name: "深圳示例科技有限公司", currency: cny)
        let transfers = (0..<count).map(transfer)
        let iso = ISO20022Adapter(painVersion: .v09)
        let signedISO = ISO20022Adapter(painVersion: .v09, signatures: ISO20022Signatures(signsMessages: true))
        let rsa = try SigningKey.generateRSA(bits: 2048)
        let cmb = CMBAdapter(loginName: "BANKGATE01", branchCodes: [debtor.number: "75"])
        let icbc = ICBCAdapter(groupCIS: "120290000123456", certificateId: "acme.y.1102")
        let ccb = CCBAdapter(customerId: "GD44000000000001", operatorId: "001", password: "111111")
        let boc = BOCAdapter(terminalId: "E127000000001", customerId: "123456789", operatorId: "op01", branchNumbers: [debtor.number: "40600"])
        let abc = ABCAdapter(corporateNumber: "4400000000001", operatorNumber: "0001", provinceCodes: [debtor.number: "44"])
        let numeric = (0..<count).map { String(1_790_000_000_000_000 + $0) }
        let cloudKey = try SigningKey.generateSM2()
        let cloud = try CMBCloudAdapter(userID: "N000000001", sm4Key: Array("BGSM4KEY20261123".utf8),
                                        bankPublicKey: try SigningKey.generateSM2().verifyingKey, branchCodes: [debtor.number: "75"])
        let cloudScheme = SignatureScheme.sm2SM3(userID: cloud.sm2UserID)
        let cloudText = try cloud.signable(try cloud.encodePayment(message([transfers[0]], debtor: debtor, index: 0))).bytes
        let cases: [(String, Int, (PaymentMessage) throws -> [UInt8])] = [
            ("iso20022 pain.001.001.09", 10_000, { try iso.encodePayment($0).bytes }),
            ("iso20022 pain.001.001.09 signed", 10_000, { message in
                let encoded = try signedISO.encodePayment(message)
                let signature = try rsa.signature(for: try signedISO.signable(encoded).bytes, scheme: .rsaPKCS1SHA256)
                return try signedISO.seal(encoded, signature: signature, at: message.createdAt).bytes
            }),
            ("cmb DCPAYMNT", CMBAdapter.maxTransfersPerMessage, { try cmb.encodePayment($0).bytes }),
            ("icbc PAYENT", ICBCAdapter.maxTransfersPerMessage, { try icbc.encodePayment($0).bytes }),
            ("icbc PAYENT + form", ICBCAdapter.maxTransfersPerMessage, { message in
                let encoded = try icbc.encodePayment(message)
                // The NetSafe Client's signed package replaces the document: a stand-in of its size (Base64).
                let signed = Array(Data(encoded.bytes).base64EncodedString().utf8)
                return try icbc.seal(encoded, signature: signed, at: message.createdAt).bytes
            }),
            ("boc b2e0009", BOCAdapter.maxTransfersPerMessage, { try boc.encodePayment($0, token: "TOKEN0123456789").bytes }),
            ("ccb 6W8060", 1, { try ccb.encodePayment($0).bytes }),
            ("abc CFRT02", 1, { try abc.encodePayment($0).bytes }),
            ("cmb-cloud BB1PAYOP", 1, { try cloud.encodePayment($0).bytes }),
            // What the engine does per payment: encode, the canonical text, SM2 sign, seal (SM4, Base64, form).
            ("cmb-cloud BB1PAYOP signed + sealed", 1, { message in
                let encoded = try cloud.encodePayment(message)
                let signature = try cloudKey.signature(for: try cloud.signable(encoded).bytes, scheme: cloudScheme)
                return try cloud.seal(encoded, signature: signature, at: message.createdAt).bytes
            }),
            // The SM2 signature alone, over the same canonical text (its share of the line above).
            ("cmb-cloud SM2 sign alone", 1, { _ in try cloudKey.signature(for: cloudText, scheme: cloudScheme) }),
        ]
        print("adapters: \(count) CNY transfers, \(runs) runs after 1 warm-up, one thread")
        for (name, perMessage, encode) in cases {
            var messages: [PaymentMessage] = []
            var start = 0
            while start < count {
                let end = min(count, start + perMessage)
                var chunk = Array(transfers[start..<end])
                if name.hasPrefix("ccb") {
                    // CCB: numeric REQUEST_SN; 6W8060 (to another bank) carries no remittance text.
                    for index in chunk.indices {
                        chunk[index].instructionId = numeric[start + index]
                        chunk[index].remittanceInfo = nil
                    }
                }
                messages.append(message(chunk, debtor: debtor, index: messages.count))
                start = end
            }
            let single = messages.prefix(1).map { m -> PaymentMessage in var one = m; one.transfers = [m.transfers[0]]; return one }[0]
            var bytes = 0
            for message in messages { bytes += try encode(message).count }
            var batchSeconds: [Double] = []
            var singleSeconds: [Double] = []
            for _ in 0..<runs {
                var begin = Stats.nanos()
                for message in messages { _ = try encode(message) }
                batchSeconds.append(Double(Stats.nanos() - begin) / 1e9)
                begin = Stats.nanos()
                for _ in 0..<count { _ = try encode(single) }
                singleSeconds.append(Double(Stats.nanos() - begin) / 1e9)
            }
            let batch = Stats.median(batchSeconds)
            let one = Stats.median(singleSeconds)
            print("adapters: \(name): single \(Stats.grouped(Double(count) / one)) msg/s (best \(Stats.grouped(Double(count) / (singleSeconds.min() ?? one)))); "
                  + "\(count) transfers in \(messages.count) messages \(Stats.grouped(Double(count) / batch)) tx/s "
                  + "(best \(Stats.grouped(Double(count) / (batchSeconds.min() ?? batch)))), \(bytes) bytes")
        }
        try transcoding(runs: runs)
    }

    /// GBK encoding of a 10-character name and a 100-character remittance text, calls and MB/s of output.
    static func transcoding(runs: Int) throws {
        let texts = [("name (10 characters)", "上海某某贸易有限公司"),
                     ("remittance (100 characters)", String(repeating: "合同HT-2026-118货款及运费", count: 6).prefix(100).description)]
        for (label, text) in texts {
            let iterations = 200_000
            let size = try ChineseTextEncoding.gbk.encode(text, field: "bench").count
            var seconds: [Double] = []
            for _ in 0..<runs {
                let begin = Stats.nanos()
                for _ in 0..<iterations { _ = try ChineseTextEncoding.gbk.encode(text, field: "bench") }
                seconds.append(Double(Stats.nanos() - begin) / 1e9)
            }
            let median = Stats.median(seconds)
            print("adapters: GBK \(label), \(size) bytes: \(Stats.grouped(Double(iterations) / median)) encodings/s, "
                  + String(format: "%.0f ns each, %.1f MB/s", median / Double(iterations) * 1e9, Double(size * iterations) / median / 1e6))
        }
    }

    static func transfer(_ index: Int) -> CreditTransfer {
        let names = ["上海某某贸易有限公司", "北京某某科技股份有限公司", "广州某某物流有限公司", "杭州某某电子商务有限公司"]
        return CreditTransfer(
            paymentId: "pay-\(index)", instructionId: "BGI" + String(format: "%017d", index), endToEndId: "E2E-\(index)",
            amount: Money(minorUnits: Int64(10_000 + index * 137), currency: cny),
            creditor: Party(name: names[index % names.count], account: "3100123456789\(String(format: "%04d", index % 10_000))",
                            bankCode: "102290000011", bankName: "中国工商银行", bankBranch: "上海市分行营业部",
                            address: PostalAddress(street: "黄浦区中山东一路1号", town: "上海市", country: "CN")),
            remittanceInfo: "合同HT-2026-\(index) 货款",
            details: TransferDetails(purpose: "货款", priority: .urgent, sameBank: false))
    }

    static func message(_ transfers: [CreditTransfer], debtor: DebtorAccount, index: Int) -> PaymentMessage {
        let id = "BGMBENCH" + String(format: "%012d", index)
        return PaymentMessage(messageId: id, paymentInfoId: id + "-1", createdAt: Timestamp(milliseconds: 1_796_000_000_000),
                              requestedExecutionDate: "2026-12-03", debtor: debtor, initiatingPartyName: debtor.name,
                              transfers: transfers)
    }
}
