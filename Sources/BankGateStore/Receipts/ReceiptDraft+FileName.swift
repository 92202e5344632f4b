extension ReceiptDraft {
    /// The file name extension of the kept file's content type (`.pdf`, `.png` …): what a download
    /// or an export names the file with.
    public var fileExtension: String { Self.fileExtension(contentType: contentType) }

    /// The file name extension of `contentType` (its parameters ignored); `.bin` for one not known.
    public static func fileExtension(contentType: String) -> String {
        switch contentType.split(separator: ";").first.map(String.init) ?? contentType {
        case "application/pdf": ".pdf"
        case "image/png": ".png"
        case "image/jpeg": ".jpg"
        case "application/ofd": ".ofd"
        case "application/zip": ".zip"
        case "text/plain": ".txt"
        default: ".bin"
        }
    }
}
