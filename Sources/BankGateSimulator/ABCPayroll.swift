import BankGateAdapters
import BankGateCore
import BankGateXML
import Foundation

/// A `CFRT03` payroll as the simulated client receives it: the request's totals and the lines of
/// the data file it names (`Cmp/BatchFileName`), which must be in the client's folder already.
struct ABCPayrollRequest: Hashable, Sendable {
    struct Line: Hashable, Sendable {
        var creditorName: String
        var creditorAccount: String
        var amount: Money
    }

    /// `ReqSeqNo`: the batch's reference and the duplicate-check key.
    var reference: String
    var debtorProvince: String
    var debtorAccount: String
    var fileName: String

    /// Reads the request: `Amt`, `FileFlag=1`, `Cmp` (`DbProv`, `DbAccNo`, `DbCur=01`,
    /// `BatchFileName`), `Tulip/批处理` (`批交易总金额`, `批交易总笔数`), the totals agreeing with `Amt`.
    /// - Throws: ``BankCodecError`` naming the field: nothing is executed or recorded.
    static func read(_ request: ABCBankCodec.Request) throws(BankCodecError) -> (ABCPayrollRequest, total: Money, count: Int) {
        func required(_ section: String, _ name: String) throws(BankCodecError) -> String {
            guard let value = request.value(section, name) else { throw BankCodecError("missing \(section)/\(name)") }
            return value
        }
        guard request.header("FileFlag") == "1" else { throw BankCodecError("CFRT03 needs FileFlag 1") }
        guard try required("Cmp", "DbCur") == "01" else { throw BankCodecError("CFRT03 pays CNY only (DbCur 01)") }
        guard let amount = request.header("Amt"), let total = try? Money(parsing: amount, currency: CCBExecution.cny),
              total.minorUnits > 0 else {
            throw BankCodecError("Amt must be a positive CNY amount")
        }
        let batch = request.root.child("Tulip")?.child("批处理")
        guard let batchTotal = ABCBankCodec.text(batch?.child("批交易总金额")),
              let batchCount = ABCBankCodec.text(batch?.child("批交易总笔数")).flatMap(Int.init), batchCount > 0 else {
            throw BankCodecError("missing Tulip/批处理 (批交易总金额, 批交易总笔数)")
        }
        guard (try? Money(parsing: batchTotal, currency: CCBExecution.cny)) == total else {
            throw BankCodecError("Tulip/批处理/批交易总金额 is not Amt")
        }
        return (ABCPayrollRequest(reference: request.requestId, debtorProvince: try required("Cmp", "DbProv"),
                                  debtorAccount: try required("Cmp", "DbAccNo"), fileName: try required("Cmp", "BatchFileName")),
                total, batchCount)
    }

    /// Reads the data file: per line (ended by `\n`) the name (60 bytes of GBK), the account (30),
    /// the amount (18, up to three decimals) and the note (30), each padded with spaces.
    /// - Returns: the lines, or why the file cannot be read.
    static func lines(_ bytes: [UInt8]) -> Result<[Line], TransferRejection> {
        let widths = ABCAdapter.payrollLineWidths
        let width = widths.name + widths.account + widths.amount + widths.note
        var lines: [Line] = []
        for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).enumerated() {
            var line = Array(raw)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.count == width else {
                return .failure(TransferRejection(code: "FF01", text: "line \(index + 1) has \(line.count) bytes, not \(width)"))
            }
            func column(_ start: Int, _ length: Int) -> String? {
                (try? ChineseTextEncoding.gb18030.decode(Array(line[start..<(start + length)]), field: "payroll file"))?
                    .trimmingCharacters(in: .whitespaces)
            }
            var amountText = column(widths.name + widths.account, widths.amount) ?? ""
            while amountText.contains("."), amountText.split(separator: ".").last.map({ $0.count > 2 }) == true,
                  amountText.hasSuffix("0") {
                amountText.removeLast()
            }
            guard let name = column(0, widths.name), !name.isEmpty,
                  let account = column(widths.name, widths.account), !account.isEmpty,
                  let amount = try? Money(parsing: amountText, currency: CCBExecution.cny), amount.minorUnits > 0 else {
                return .failure(TransferRejection(code: "FF01", text: "line \(index + 1) is not name, account and a positive amount"))
            }
            lines.append(Line(creditorName: name, creditorAccount: account, amount: amount))
        }
        return lines.isEmpty ? .failure(TransferRejection(code: "FF01", text: "the payroll file has no lines")) : .success(lines)
    }
}

extension ABCExecution {
    /// Executes a payroll whole or not at all (the simulator's choice: ABC's per-line results are
    /// not public), after the duplicate check on its `ReqSeqNo`: a file missing from the client's
    /// folder, unreadable, or whose count or total is not the request's refuses the batch, as does
    /// any line the ledger refuses. The result is stored under the `ReqSeqNo` for `CQRT04`; each
    /// executed line shows in `GET /sim/ledger` as `<ReqSeqNo>/<line number>`.
    static func runPayroll(_ payroll: ABCPayrollRequest, total: Money, count: Int, file: [UInt8]?, profile: ABCProfile,
                           on execution: inout PaymentExecution) throws -> Outcome {
        let key = payroll.reference
        if try execution.storedAnswer(key: key) != nil { return .duplicate }
        let sequence = try execution.record(key: key, status: "received", answer: Array("<pending/>".utf8))
        let sequenceNumber = sequenceNumber(sequence)
        var failure: (code: String, text: String)?
        if !profile.provinceMatches(payroll.debtorProvince, number: payroll.debtorAccount) {
            failure = refusal(TransferRejection(code: "AC01", text: "debtor province is not the account's"))
        } else if let file {
            switch ABCPayrollRequest.lines(file) {
            case .failure(let rejection):
                failure = (ABCCodesOfSimulator.fileRefused, "批量文件格式错误: " + rejection.text)
            case .success(let lines) where lines.count != count || lines.reduce(0, { $0 + $1.amount.minorUnits }) != total.minorUnits:
                failure = (ABCCodesOfSimulator.fileRefused, "批量文件笔数或金额与请求不符")
            case .success(let lines):
                for (index, line) in lines.enumerated() where failure == nil {
                    let result = try execution.execute(LedgerInstruction(
                        key: key, paymentInformationId: sequenceNumber, instructionId: key, endToEndId: "\(key)/\(index + 1)",
                        debtorAccount: payroll.debtorAccount, openingCurrency: CCBExecution.cny, amount: .success(line.amount),
                        creditorAccount: line.creditorAccount))
                    if case .failure(let rejection) = result { failure = refusal(rejection) }
                }
            }
        } else {
            failure = (ABCCodesOfSimulator.fileRefused, "批量文件不存在: " + payroll.fileName)
        }
        // Nothing is booked unless every line passed: the lines booked so far are dropped with `execution`.
        if failure == nil { _ = try execution.commit() }
        let executedAt = CMBBankCodec.chinaDateTime(execution.executedAt)
        let stored = StoredResult(debtorAccount: payroll.debtorAccount,
                                  hostCode: failure == nil ? ABCCodesOfSimulator.hostSuccess : ABCCodesOfSimulator.hostFailure,
                                  postscript: failure?.text ?? "交易成功", executedAt: executedAt)
        try execution.replaceAnswer(key: key, status: stored.hostCode, answer: stored.bytes)
        guard let failure else { return .executed(sequenceNumber: sequenceNumber) }
        return .refused(sequenceNumber: sequenceNumber, code: failure.code, text: failure.text)
    }
}
