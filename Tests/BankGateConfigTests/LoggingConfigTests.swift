import XCTest
@testable import BankGateConfig

/// Issue 12: `[logging]` (format and level) and `[server] metrics_public`.
final class LoggingConfigTests: XCTestCase {
    func testDefaultsWhenAbsent() throws {
        let configuration = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid))
        XCTAssertEqual(configuration.logging, LoggingConfig(format: .logfmt, level: "info"))
        XCTAssertFalse(configuration.server.metricsPublic)
    }

    func testFormatLevelAndPublicMetricsAreRead() throws {
        var text = ConfigurationFixture.replacing("data_dir = \"var\"", with: "data_dir = \"var\"\nmetrics_public = true")
        text += "\n\n[logging]\nformat = \"json\"\nlevel = \"debug\"\n"
        let configuration = try XCTUnwrap(validConfiguration(text))
        XCTAssertEqual(configuration.logging.format, .json)
        XCTAssertEqual(configuration.logging.level, "debug")
        XCTAssertTrue(configuration.server.metricsPublic)
    }

    func testUnknownFormatLevelOrKeyIsRefused() {
        assertConfigurationError(ConfigurationFixture.appending("[logging]\nformat = \"xml\""), key: "logging.format", "logfmt")
        assertConfigurationError(ConfigurationFixture.appending("[logging]\nlevel = \"loud\""), key: "logging.level", "warning")
        assertConfigurationError(ConfigurationFixture.appending("[logging]\ncolour = true"), key: "logging.colour", "unknown key")
    }
}
