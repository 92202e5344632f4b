import BankGateAdapters
import XCTest
import BankGateCore
@testable import BankGateConfig

/// The shipped files in config/: both must load, with the values the docs promise.
final class ConfigurationFilesTests: XCTestCase {
    /// `<package root>/config`, found from this file's path.
    private var configDirectory: String {
        var path = "\(#filePath)"
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/config"
    }

    func testDemoConfiguration() throws {
        let path = configDirectory + "/demo.toml"
        let config = try BankGateConfiguration.load(path: path)
        XCTAssertEqual(config.sourcePath, path)
        XCTAssertEqual(config.server.host, "127.0.0.1")
        XCTAssertEqual(config.server.port, 8080)
        XCTAssertEqual(config.server.dataDirectory, configDirectory + "/var/demo")
        XCTAssertEqual(config.server.maxBodyBytes, 1_048_576)

        XCTAssertEqual(config.tokens.count, 1)
        XCTAssertEqual(config.tokens[0].name, "demo")
        XCTAssertEqual(config.tokens[0].secret, .plain("demo-token-please-change"))
        XCTAssertEqual(config.tokens[0].scopes, Set(Scope.allCases))

        XCTAssertEqual(config.banks.map(\.id), ["sim-iso", "cmb-sz", "hsbc-hk", "bochk", "icbc-bj", "ccb-sz", "boc-sh", "abc-bj"])
        XCTAssertEqual(config.banks.map(\.adapter), ["iso20022", "cmb", "iso20022", "iso20022", "icbc", "ccb", "boc", "abc"])
        XCTAssertEqual(config.bank(id: "abc-bj")?.transport, .tcp(host: "127.0.0.1", port: 9108))
        XCTAssertEqual(config.account(id: "acme-abc")?.adapterOptions["province_code"], "11")
        let bank = try XCTUnwrap(config.bank(id: "sim-iso"))
        XCTAssertEqual(bank.adapter, "iso20022")
        XCTAssertEqual(bank.pain001Version, "pain.001.001.09")
        XCTAssertEqual(bank.transport, .http(url: "http://127.0.0.1:9101"))
        XCTAssertEqual(bank.maxInFlight, 8)

        XCTAssertEqual(config.accounts.map(\.id), ["acme-eur", "acme-usd", "acme-cmb", "acme-hkd", "acme-bochk", "acme-icbc",
                                                   "acme-ccb", "acme-boc", "acme-abc"])
        let eur = try XCTUnwrap(config.account(id: "acme-eur"))
        XCTAssertEqual(eur.debtorAccount(), DebtorAccount(id: "acme-eur", bankId: "sim-iso", number: "DE89370400440532013000",
                                                          bankCode: "COBADEFFXXX", name: "ACME Trading GmbH", currency: Currency(code: "EUR")!))
        XCTAssertTrue(eur.active)
        let usd = try XCTUnwrap(config.account(id: "acme-usd"))
        XCTAssertEqual(usd.number, "123456789")
        XCTAssertEqual(usd.bankCode, "CHASUS33XXX")
        XCTAssertEqual(usd.currency.code, "USD")
        XCTAssertFalse(usd.debtorAccount().isIBAN)
        XCTAssertEqual(config.dispatch.pollIntervalMilliseconds, 200)
    }

    func testDemoWithBaseDirectoryOverride() throws {
        let config = try BankGateConfiguration.load(path: configDirectory + "/demo.toml", baseDirectory: "/opt/bankgate")
        XCTAssertEqual(config.server.dataDirectory, "/opt/bankgate/var/demo")
    }

    func testExampleConfiguration() throws {
        let config = try BankGateConfiguration.load(path: configDirectory + "/bankgate.example.toml")
        XCTAssertEqual(config.server.dataDirectory, configDirectory + "/var")
        XCTAssertEqual(config.tokens.map(\.name), ["erp", "ledger", "ops"])
        XCTAssertEqual(config.tokens[1].secret, .sha256Hex("70de59c554357d4112fb51932841f6532616fe84bf43dc2ff89f8112be05f01c"))
        XCTAssertEqual(config.tokens[1].scopes, [.eventsRead, .paymentsRead])
        XCTAssertEqual(config.tokens[2].secret, .plain("change-me-ops-fedcba9876543210"))

        XCTAssertEqual(config.banks.map(\.id), ["sim-iso", "h2h-files"])
        let http = config.banks[0]
        XCTAssertEqual(http.transport, .http(url: "http://127.0.0.1:9101"))
        XCTAssertEqual(http.pain001Version, "pain.001.001.09")
        XCTAssertEqual(http.duplicateCheckWindowHours, 24)
        XCTAssertEqual(http.maxTransfersPerMessage, 500)
        XCTAssertEqual(http.requestTimeoutMilliseconds, 30_000)
        let folder = config.banks[1]
        XCTAssertEqual(folder.pain001Version, "pain.001.001.03")
        XCTAssertEqual(folder.transport, .folder(outbox: configDirectory + "/var/h2h/outbox", inbox: configDirectory + "/var/h2h/inbox"))
        XCTAssertEqual(folder.maxInFlight, 1)
        XCTAssertNil(folder.duplicateCheckWindowHours)

        XCTAssertEqual(config.accounts.map(\.id), ["acme-eur", "acme-eur-nl", "acme-cny"])
        XCTAssertEqual(config.calendars.map(\.name), ["cn"])
        XCTAssertEqual(config.calendars.first?.holidays.contains(CalendarDay("2027-10-01")!), true, "the example holiday file is read")
        XCTAssertEqual(config.schedules.map(\.name), ["morning-balances", "sweep-eur-to-nl"])
        let cny = try XCTUnwrap(config.account(id: "acme-cny"))
        XCTAssertEqual(cny.currency.code, "CNY")
        XCTAssertTrue(CNAPS.isValid(cny.bankCode))
        XCTAssertEqual(cny.name, "艾克米贸易(上海)有限公司")
        XCTAssertFalse(cny.active)
        XCTAssertTrue(config.accounts.filter { $0.currency.code == "EUR" }.allSatisfy { IBAN.isValid($0.number) })
        XCTAssertEqual(config.dispatch.groupCommitMaxBatch, 512)
    }

    func testMissingFileNamesThePath() {
        XCTAssertThrowsError(try BankGateConfiguration.load(path: "/nonexistent/bankgate.toml")) { error in
            let error = error as! ConfigurationError
            XCTAssertEqual(error.file, "/nonexistent/bankgate.toml")
            XCTAssertTrue(error.description.hasPrefix("/nonexistent/bankgate.toml: cannot open the file"), error.description)
        }
    }
}
