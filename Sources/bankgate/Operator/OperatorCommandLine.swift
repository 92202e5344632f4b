import ArgumentParser
import Foundation

/// Runs a command tree like `AsyncParsableCommand.main()`, except that command-line mistakes
/// end with status 2 (ArgumentParser's own default is 64), as the operator commands document:
/// 0 success, 1 an API error, 2 usage, 3 the daemon cannot be reached.
enum OperatorCommandLine {
    /// The status for a command line that could not be parsed or validated.
    static let usageExitCode: Int32 = 2

    /// Runs on the main thread: a synchronous command (`statements parse`, `messages render`) then runs
    /// there too, without a hop to a worker thread, and allocates from glibc's main arena, which grows
    /// in large steps where a thread's arena makes one `mprotect` call per few pages (1,700 calls for
    /// a render of 10,000 payments). Asynchronous commands still run on the cooperative pool.
    @MainActor
    static func main<Root: AsyncParsableCommand>(_ root: Root.Type, arguments: [String]? = nil) async -> Never {
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            if root.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
                exit(usageExitCode)
            }
            root.exit(withError: error)
        }
    }
}
