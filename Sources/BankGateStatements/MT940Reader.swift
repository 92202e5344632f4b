import BankGateCore

/// Reads SWIFT MT940 (customer statement) and MT942 (interim transaction report) files line by line.
///
/// Accepts bare field blocks as banks export them and SWIFT-enveloped messages
/// (`{1:…}{2:…}{3:…}{4:` … `-}{5:…}`), several messages in one file, CRLF or LF, trailing blanks,
/// `-` separator lines and blank lines between messages. Each message is one statement
/// (``StatementHeader/statementId`` is `:20:` and `:28C:` joined with `/`); a new `:20:` also starts a
/// new statement. Memory holds one statement header, one entry and one line.
///
/// MT940 vs MT942: block 2 says when enveloped; otherwise a statement with an opening balance
/// (`:60F:`/`:60M:`) is MT940, one with a floor limit (`:34F:`) or date-time (`:13D:`) MT942.
/// MT940 entries are booked, MT942 entries pending.
///
/// Field mapping: `:61:` gives the dates, amount, mark, type code (``BankTransactionCode/proprietary``)
/// and references (customer reference → ``StatementTransaction/instructionId`` unless `NONREF`,
/// bank reference → ``StatementTransaction/bankReference``, a following line → supplementary details);
/// the `:86:` after it is read by ``MT940Narrative`` and kept whole in
/// ``StatementTransaction/additionalInformation`` (lines joined with `\n`). With a `?` structured
/// `:86:`, the proprietary code becomes `type+GVC` (`NTRF+166`), the way German banks write it in camt.
/// Lines that are not valid UTF-8 are read as ISO 8859-1.
///
/// Bank dialects are read too, each noted as a ``StatementWarning`` on its statement (see
/// `docs/statement-dialects.md`): header lines before `:20:` (`ABNANL2A`, `940 00`, `:940:`), DOS-PCC
/// SOH/ETX framing, trailers (`-XXX`), a missing final `-}`, blank lines inside `:86:`, several `:86:`
/// per entry, lines starting with a tag MT940 does not define (text of the field before), `:NS:` blocks,
/// `:28:`, amounts without decimal comma or with leading zeros, unlisted type codes, 30 February,
/// withdrawn currencies (`DEM`). A balance without currency, a value split across lines, a statement
/// without `:20:` or balances are refused with the line and field at fault.
public struct MT940Reader: Sendable {
    /// The longest line accepted.
    public var maxLineBytes: Int
    /// The most `:86:` lines kept for one entry (SWIFT allows 6; banks write more).
    public var maxNarrativeLines: Int

    public init(maxLineBytes: Int = 8192, maxNarrativeLines: Int = 100) {
        self.maxLineBytes = maxLineBytes
        self.maxNarrativeLines = maxNarrativeLines
    }

    /// Reads the MT940/MT942 file at `path`, calling `visitor` per statement and entry.
    /// - Throws: ``StatementError`` for the file, or whatever the visitor throws.
    public func read(file path: String, visitor: inout some StatementVisitor) throws {
        try read(ByteLineSource(path: path, maxLineBytes: maxLineBytes), visitor: &visitor)
    }

    /// Reads MT940/MT942 text held in memory.
    public func read(bytes: [UInt8], visitor: inout some StatementVisitor) throws {
        try read(ByteLineSource(bytes: bytes, maxLineBytes: maxLineBytes), visitor: &visitor)
    }

    private func read(_ source: ByteLineSource, visitor: inout some StatementVisitor) throws {
        var state = MT940ReadState(maxNarrativeLines: maxNarrativeLines)
        if let first = try source.next() {
            if source.skippedByteOrderMark {
                state.noteFraming(.byteOrderMark, "the UTF-8 byte order mark at the start of the file is skipped",
                                  line: 1)
            }
            try state.line(first, number: source.lineNumber, visitor: &visitor)
        }
        while let line = try source.next() {
            try state.line(line, number: source.lineNumber, visitor: &visitor)
        }
        try state.finish(line: source.lineNumber, visitor: &visitor)
    }
}
