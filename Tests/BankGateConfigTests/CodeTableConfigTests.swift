import BankGateAdapters
import BankGateCore
import Foundation
import XCTest
@testable import BankGateConfig

/// A bank's code table from the configuration: `code_overrides` merged over the built-in table or
/// `codes_file`, each checked when the file is loaded, and the decoded outcome of a golden answer
/// following the configured table.
final class CodeTableConfigTests: XCTestCase {
    /// Line numbers are relied on: [[banks]] 10, login_name 15, the added keys from 16.
    private let cmb = """
        [server]
        listen = "127.0.0.1:8080"
        data_dir = "var"

        [[tokens]]
        name = "erp"
        token = "0123456789abcdef-erp"
        scopes = ["payments:write"]

        [[banks]]
        id = "cmb-sz"
        adapter = "cmb"
        transport = "http"
        url = "http://127.0.0.1:9201"
        login_name = "BANKGATE01"
        """

    private func withBankKeys(_ keys: String) -> String {
        cmb + "\n" + keys + "\n"
    }

    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// CMB's golden `NTQRYSTY` answer with codes the built-in table does not know: `REQSTS=XYZ`,
    /// `FIN` with `RTNFLG=Q`, and `FIN` without `RTNFLG`.
    private static func unknownCodesAnswer() throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent("adapters/cmb/samples/ntqrysty-answer-unknown-codes.xml")))
    }

    private static func statuses(_ adapter: CMBAdapter, _ bytes: [UInt8]) -> [PaymentStatus] {
        guard case .outcomes(let outcomes) = adapter.decodePaymentAnswer(bytes) else { return [] }
        return outcomes.map(\.status)
    }

    private func cmbAdapter(_ configuration: BankGateConfiguration) throws -> CMBAdapter {
        try XCTUnwrap(try AdapterRegistry.make(bank: configuration.banks[0], accounts: []) as? CMBAdapter)
    }

    func testWithoutTheKeysTheBuiltInTableIsUsed() throws {
        let configuration = try XCTUnwrap(validConfiguration(cmb))
        XCTAssertTrue(configuration.banks[0].codeTable.isBuiltIn)
        let adapter = try cmbAdapter(configuration)
        XCTAssertEqual(adapter.codes.entries, CMBCodes.table)
        XCTAssertEqual(AdapterRegistry.codeTableOrigin(of: adapter)?.description, "built-in")
        XCTAssertEqual(Self.statuses(adapter, try Self.unknownCodesAnswer()), [.unknown, .unknown, .unknown])
    }

    func testAnOverrideChangesTheDecodedOutcomeOfAGoldenAnswer() throws {
        let configuration = try XCTUnwrap(validConfiguration(withBankKeys("""
            code_overrides = [
              "REQSTS:XYZ=processing",
              "RTNFLG:Q=completed",
              "REQSTS:NTE=processing",
            ]
            """)))
        let table = configuration.banks[0].codeTable
        XCTAssertNil(table.file)
        XCTAssertEqual(table.overrides.map(\.row.code), ["XYZ", "Q", "NTE"])
        XCTAssertEqual(table.overrides.map(\.source), ["test.toml:17", "test.toml:18", "test.toml:19"])

        let adapter = try cmbAdapter(configuration)
        // XYZ and Q are read as the configuration says; FIN without RTNFLG stays unknown.
        XCTAssertEqual(Self.statuses(adapter, try Self.unknownCodesAnswer()), [.processing, .completed, .unknown])
        XCTAssertEqual(Self.statuses(CMBAdapter(loginName: "BANKGATE01", branchCodes: [:]), try Self.unknownCodesAnswer()),
                       [.unknown, .unknown, .unknown], "an adapter built without the configuration keeps the built-in table")
        // An existing code is replaced in place, a new one added at the end; the rest is untouched.
        XCTAssertEqual(adapter.codes.category(.requestStatus, "NTE"), .processing)
        XCTAssertEqual(adapter.codes.category(.requestStatus, "AUT"), .accepted)
        XCTAssertEqual(adapter.codes.entries.count, CMBCodes.table.count + 2)
        XCTAssertEqual(adapter.codes.entries.suffix(2).map(\.code), ["XYZ", "Q"])
        XCTAssertEqual(AdapterRegistry.codeTableOrigin(of: adapter)?.description, "built-in + 3 overrides")

        // What `bankgate messages codes` prints: the effective rows, each override saying where it comes from.
        let listed = try AdapterRegistry.codeTable(bank: configuration.banks[0])
        let nte = try XCTUnwrap(listed.rows.first { $0.kind == "REQSTS" && $0.code == "NTE" })
        XCTAssertEqual(nte.category, "processing")
        XCTAssertTrue(nte.meaning.hasPrefix("终审完毕"), nte.meaning)
        XCTAssertTrue(nte.meaning.hasSuffix("[accepted overridden in test.toml:19]"), nte.meaning)
        XCTAssertEqual(listed.rows.last, CodeTableRow(kind: "RTNFLG", code: "Q", category: "completed", meaning: "[added in test.toml:18]"))
    }

    func testACodesFileReplacesTheTableAndOverridesApplyOverIt() throws {
        let folder = try temporaryFolder()
        try """
            # our CMB table: BNK is left out on purpose
            # kind\tcode\tcategory\tmeaning
            RETCOD\t0\tok\tfine
            REQSTS\tXYZ\tprocessing\ta code our front-end writes\r
            REQSTS\tFIN\tfinal\tdone
            RTNFLG\tS\tcompleted\tpaid
            RTNFLG\tQ\trejected\tsaid no
            """.write(to: folder.appendingPathComponent("cmb-codes.tsv"), atomically: true, encoding: .utf8)
        let configPath = folder.appendingPathComponent("bankgate.toml").path
        try withBankKeys("""
            codes_file = "cmb-codes.tsv"
            code_overrides = ["RTNFLG:Q=completed"]
            """).write(toFile: configPath, atomically: true, encoding: .utf8)

        let configuration = try BankGateConfiguration.load(path: configPath)
        let table = configuration.banks[0].codeTable
        XCTAssertEqual(table.file, folder.appendingPathComponent("cmb-codes.tsv").path, "relative to the configuration file")
        XCTAssertEqual(table.fileRows.count, 5)
        XCTAssertEqual(table.fileRows[1], CodeTableRow(kind: "REQSTS", code: "XYZ", category: "processing", meaning: "a code our front-end writes"))

        let adapter = try cmbAdapter(configuration)
        XCTAssertEqual(Self.statuses(adapter, try Self.unknownCodesAnswer()), [.processing, .completed, .unknown])
        XCTAssertEqual(adapter.codes.entries.count, 5)
        XCTAssertEqual(adapter.codeTableOrigin.description, "file \(table.file ?? "") + 1 override")

        // A code the file does not list is unknown, even one the built-in table knows: the golden
        // DCPAYMNT answer's REQSTS=BNK is processing with the built-in table.
        let processing = Array(try Data(contentsOf: Self.packageRoot.appendingPathComponent("adapters/cmb/samples/dcpaymnt-answer-processing.xml")))
        XCTAssertEqual(Self.statuses(CMBAdapter(loginName: "BANKGATE01", branchCodes: [:]), processing), [.processing])
        XCTAssertEqual(Self.statuses(adapter, processing), [.unknown])
    }

    func testABadLineOfTheCodesFileRefusesTheConfigurationWithFileAndLine() throws {
        let folder = try temporaryFolder()
        let codes = folder.appendingPathComponent("cmb-codes.tsv")
        try "# kind\tcode\tcategory\tmeaning\nRETCOD\t0\tok\tfine\nREQSTS\tXYZ\tpaid\tnot a category\n"
            .write(to: codes, atomically: true, encoding: .utf8)
        let configPath = folder.appendingPathComponent("bankgate.toml").path
        try withBankKeys("codes_file = \"cmb-codes.tsv\"").write(toFile: configPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try BankGateConfiguration.load(path: configPath)) { error in
            let refusal = (error as? ConfigurationError)?.allErrors.first { $0.key == "banks[0].codes_file" }
            XCTAssertEqual(refusal?.line, 16)
            XCTAssertTrue(refusal?.problem.hasPrefix("\(codes.path):3: unknown category \"paid\" (one of: accepted, ") == true,
                          "\(error)")
        }

        try "RETCOD\t0\tok\n".write(to: codes, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try BankGateConfiguration.load(path: configPath)) { error in
            XCTAssertTrue("\(error)".contains("cmb-codes.tsv:1: 3 columns, not 4"), "\(error)")
        }
        try FileManager.default.removeItem(at: codes)
        XCTAssertThrowsError(try BankGateConfiguration.load(path: configPath)) { error in
            XCTAssertTrue("\(error)".contains("banks[0].codes_file: \(codes.path): cannot open the file"), "\(error)")
        }
    }

    func testAnOverrideWithAnUnknownKindOrCategoryIsAConfigurationError() {
        assertConfigurationError(withBankKeys("code_overrides = [\"REQSTS:XYZ=paid\"]"),
                                 key: "banks[0].code_overrides[0]", line: 16, "unknown category \"paid\"")
        // A category of the shared list that CMB's codec does not read is refused too.
        assertConfigurationError(withBankKeys("code_overrides = [\"REQSTS:XYZ=sign_in_required\"]"),
                                 key: "banks[0].code_overrides[0]", line: 16, "unknown category \"sign_in_required\"")
        assertConfigurationError(withBankKeys("code_overrides = [\"rspcod:B001=ok\"]"),
                                 key: "banks[0].code_overrides[0]", line: 16, "unknown kind \"rspcod\" (one of: RETCOD, REQSTS, RTNFLG, ERRCOD, STSCOD)")
        assertConfigurationError(withBankKeys("code_overrides = [\"REQSTS=processing\"]"),
                                 key: "banks[0].code_overrides[0]", line: 16, "must be KIND:CODE=category")
        assertConfigurationError(withBankKeys("code_overrides = [\"REQSTS:=processing\"]"),
                                 key: "banks[0].code_overrides[0]", line: 16, "empty code")
        assertConfigurationError(withBankKeys("code_overrides = [\n  \"REQSTS:XYZ=processing\",\n  \"REQSTS:XYZ=rejected\",\n]"),
                                 key: "banks[0].code_overrides[1]", line: 18, "REQSTS:XYZ is already overridden on line 17")
        assertConfigurationError(withBankKeys("code_overrides = \"REQSTS:XYZ=processing\""),
                                 key: "banks[0].code_overrides", line: 16, "must be an array of strings")
    }

    /// The ISO 20022 status codes are configurable too: a bank that answers `ACSP` where it means
    /// "settled" (an override) is read so; a code of no list is refused.
    func testTheISO20022StatusCodesAreConfigurable() throws {
        let iso = withBankKeys("code_overrides = [\"status:ACSP=completed\"]")
            .replacingOccurrences(of: "adapter = \"cmb\"", with: "adapter = \"iso20022\"")
            .replacingOccurrences(of: "login_name = \"BANKGATE01\"\n", with: "")
        let configuration = try XCTUnwrap(validConfiguration(iso))
        let adapter = try XCTUnwrap(try AdapterRegistry.make(bank: configuration.banks[0], accounts: []) as? ISO20022Adapter)
        let accepted = Array(try Data(contentsOf: Self.packageRoot.appendingPathComponent("adapters/iso20022/samples/pain.002.001.10-accepted.xml")))
        XCTAssertEqual(try ISO20022Adapter(painVersion: .v09).decodeStatusReport(accepted).groupOutcome?.status, .processing)
        XCTAssertEqual(try adapter.decodeStatusReport(accepted).groupOutcome?.status, .completed, "read with the override")
        XCTAssertEqual(AdapterRegistry.vocabulary.entries["iso20022"]?.codeTable?.kinds, ["status"])
        assertConfigurationError(iso.replacingOccurrences(of: "status:ACSP=completed", with: "TxSts:ACTC=completed"),
                                 key: "banks[0].code_overrides[0]", "unknown kind \"TxSts\" (one of: status)")
        assertConfigurationError(iso.replacingOccurrences(of: "status:ACSP=completed", with: "status:ACTC=ok"),
                                 key: "banks[0].code_overrides[0]", "unknown category \"ok\"")
    }

    /// An adapter whose vocabulary has no code table refuses the keys when the file is read.
    func testAnAdapterWithoutAConfigurableTableRefusesTheKeys() {
        let plain = AdapterVocabulary(["plain": AdapterVocabulary.Entry(bankKeys: [.init("login_name", required: false)])])
        let text = withBankKeys("code_overrides = [\"status:ACSC=completed\"]")
            .replacingOccurrences(of: "adapter = \"cmb\"", with: "adapter = \"plain\"")
        XCTAssertThrowsError(try BankGateConfiguration.parse(text, fileName: "test.toml", baseDirectory: "/srv/bankgate",
                                                             adapters: plain)) { error in
            XCTAssertTrue("\(error)".contains("adapter \"plain\" has no code table"), "\(error)")
        }
    }

    func testAHandBuiltTableWithAForeignCategoryIsRefusedByTheAdapter() {
        var bank = BankConfig(id: "cmb", adapter: "cmb", transport: .http(url: "http://127.0.0.1:1"))
        bank.adapterOptions = ["login_name": "X"]
        bank.codeTable.overrides = [CodeOverride(row: CodeTableRow(kind: "REQSTS", code: "XYZ", category: "not_found", meaning: ""),
                                                 source: "hand")]
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: [])) { error in
            XCTAssertTrue("\(error)".hasPrefix("hand: unknown category \"not_found\""), "\(error)")
        }
    }

    func testEveryBuiltInTableIsOfferedToTheConfiguration() {
        for (adapter, kinds) in [("cmb", ["RETCOD", "REQSTS", "RTNFLG", "ERRCOD", "STSCOD"]), ("icbc", ["RetCode", "Result"]),
                                 ("ccb", ["RETURN_CODE", "6W0600/DEAL_RESULT", "6W1503/DEAL_RESULT"]), ("boc", ["rspcod"]),
                                 ("abc", ["RespCode", "RespPrvData", "WaitFlag"]), ("iso20022", ["status"])] {
            XCTAssertEqual(AdapterRegistry.vocabulary.entries[adapter]?.codeTable?.kinds, kinds, adapter)
        }
        XCTAssertEqual(AdapterRegistry.vocabulary.entries["boc"]?.codeTable?.categories.contains("sign_in_required"), true)
        XCTAssertEqual(AdapterRegistry.vocabulary.entries["cmb"]?.codeTable?.categories.contains("sign_in_required"), false)
        XCTAssertEqual(AdapterRegistry.vocabulary.entries["iso20022"]?.codeTable?.categories.contains("ok"), false)
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-codes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }
}
