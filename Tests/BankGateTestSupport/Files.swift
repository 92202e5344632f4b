public import Foundation

/// The project's root folder (README.md, Tests/, ../shared beside it).
public let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Polls `directory` until its listing (sorted, hidden files such as temporaries left out) meets
/// `condition`, or `seconds` pass; returns the last listing, for the caller to assert on.
public func waitForListing(in directory: URL, seconds: Double = 30,
                           until condition: ([String]) -> Bool) async throws -> [String] {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        if condition(names) || Date() > deadline { return names }
        try await Task.sleep(for: .milliseconds(20))
    }
}
