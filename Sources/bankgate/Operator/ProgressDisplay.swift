#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long operator command (a pull over many days, an export) on standard error: a bar
/// redrawn in place when standard error is a terminal, else one plain line per step, so a log or a
/// pipe gets readable lines and no control characters.
///
/// ```swift
/// var progress = ProgressDisplay(title: "pull", total: days.count)
/// for day in days { …; progress.advance(to: done, note: day) }
/// progress.finish(note: "3 new receipts")
/// ```
struct ProgressDisplay {
    let title: String
    private(set) var total: Int?
    private(set) var done = 0
    let isTerminal: Bool
    /// The width of the bar itself, in cells.
    static let barWidth = 30

    /// - Parameters:
    ///   - total: how many steps make the whole (`nil` while it is not known yet: no bar, a count).
    ///   - isTerminal: whether to draw in place; by default, whether standard error is a terminal.
    init(title: String, total: Int?, isTerminal: Bool = isatty(2) == 1) {
        self.title = title
        self.total = total
        self.isTerminal = isTerminal
    }

    /// Records that `done` steps (of `total`, when given now) are complete, and shows it.
    mutating func advance(to done: Int, of total: Int? = nil, note: String = "") {
        if let total { self.total = total }
        self.done = done
        emit(line(note: note), final: false)
    }

    /// Shows the last state and ends the line.
    mutating func finish(note: String = "") {
        emit(line(note: note), final: true)
    }

    /// The text of one update: `title [#####.....] 12/40 30% note`, or `title 12 note` without a total.
    func line(note: String) -> String {
        var text = title
        if let total, total > 0 {
            let shown = min(done, total)
            let filled = shown * Self.barWidth / total
            text += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: Self.barWidth - filled) + "]"
            text += " \(shown)/\(total) \(shown * 100 / total)%"
        } else {
            text += " \(done)"
        }
        return note.isEmpty ? text : text + " " + note
    }

    private func emit(_ text: String, final: Bool) {
        let output = isTerminal ? "\r\u{1B}[2K" + text + (final ? "\n" : "") : text + "\n"
        var bytes = Array(output.utf8)
        _ = bytes.withUnsafeMutableBytes { FileDescriptorOutput.writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}
