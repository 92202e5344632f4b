import BankGateConfig
import BankGateCore
import BankGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
@testable import BankGateAPI

/// README.md's API table is the contract for scopes: every row's route is called with a token of
/// each scope, and must refuse (403) exactly the scopes the row does not list.
final class ScopeTableTests: XCTestCase {
    struct Row {
        var method: HTTPRequest.Method
        var path: String
        /// Empty for `none`: the route needs no token.
        var scopes: Set<Scope>
        var line: Int
    }

    /// The rows of the table under "## The API" in README.md.
    static func rows() throws -> [Row] {
        let readme = try String(contentsOf: projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var rows: [Row] = []
        var inTable = false
        for (index, line) in readme.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("| method and path |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { if !rows.isEmpty { break } else { continue } }
            if line.hasPrefix("|---") { continue }
            // `\|` inside a cell is a literal bar (alternatives in a query), not a cell border.
            let cells = line.replacingOccurrences(of: "\\|", with: "/")
                .split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            // `METHOD /path?query` with `[…]` optional parts dropped and `{id}` filled in.
            let route = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let parts = route.split(separator: " ", maxSplits: 1)
            XCTAssertEqual(parts.count, 2, "README line \(index + 1): one route per row")
            guard parts.count == 2 else { continue }
            var path = String(parts[1])
            while let open = path.firstIndex(of: "["), let close = path[open...].firstIndex(of: "]") {
                path.removeSubrange(open...close)
            }
            if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
            path = path.replacingOccurrences(of: "{id}", with: "x1")
            let scopeText = cells[2]
            var scopes: Set<Scope> = []
            if scopeText != "none" {
                for name in scopeText.replacingOccurrences(of: " or ", with: ", ").split(separator: ",") {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    guard let scope = Scope(rawValue: trimmed) else {
                        XCTFail("README line \(index + 1): unknown scope \(trimmed)")
                        continue
                    }
                    scopes.insert(scope)
                }
            }
            rows.append(Row(method: HTTPRequest.Method(String(parts[0]))!, path: path, scopes: scopes, line: index + 1))
        }
        return rows
    }

    static func token(_ scope: Scope) -> String { "only-\(scope.rawValue.replacingOccurrences(of: ":", with: "-"))-0123456789" }

    func testEveryRouteAcceptsExactlyTheScopesTheTableLists() async throws {
        let rows = try Self.rows()
        XCTAssertGreaterThan(rows.count, 30, "the table was found")
        let tokens = Scope.allCases.map { TokenConfig(name: "only-\($0.rawValue)", secret: .plain(Self.token($0)), scopes: [$0]) }
        let router = APIServer.makeRouter(gateway: FakeGateway(), reports: FakeAccountReports(), tokens: tokens,
                                          maxBodyBytes: 65_536, clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in
            for row in rows {
                if row.scopes.isEmpty {
                    let response = try await client.execute(uri: row.path, method: row.method)
                    XCTAssertNotEqual(response.status, .unauthorized, "README line \(row.line): \(row.path) needs no token")
                    continue
                }
                let anonymous = try await client.execute(uri: row.path, method: row.method)
                XCTAssertEqual(anonymous.status, .unauthorized, "README line \(row.line): \(row.method) \(row.path) without a token")
                for scope in Scope.allCases {
                    var headers = HTTPFields()
                    headers[.authorization] = "Bearer \(Self.token(scope))"
                    let response = try await client.execute(uri: row.path + (row.path.contains("events") ? "?wait=0" : ""),
                                                            method: row.method, headers: headers)
                    if row.scopes.contains(scope) {
                        XCTAssertNotEqual(response.status, .forbidden,
                                          "README line \(row.line): \(row.method) \(row.path) must accept \(scope.rawValue)")
                        XCTAssertNotEqual(response.status, .unauthorized, "README line \(row.line)")
                    } else {
                        XCTAssertEqual(response.status, .forbidden,
                                       "README line \(row.line): \(row.method) \(row.path) must refuse \(scope.rawValue)")
                    }
                }
            }
        }
    }
}
