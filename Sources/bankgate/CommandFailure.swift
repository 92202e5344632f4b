import ArgumentParser
import Foundation

/// Prints `error: message` to standard error and returns the exit code to throw (1).
func commandFailure(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}
