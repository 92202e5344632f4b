public import BankGateAdapters
import CPangoCairo

/// A receipt that could not be rendered: what cairo or pango said.
public struct ReceiptRenderError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}

/// Renders a receipt given as data into a PDF with a ``ReceiptTemplate``: pango lays the text out
/// (Chinese included, wrapped by character where a line has no spaces) and cairo writes the PDF.
///
/// The output depends only on the receipt, the account and the template (the PDF's creation date
/// is the booking date), so rendering the same receipt twice gives the same bytes — and the same
/// hash in the content-addressed receipt store.
public enum ReceiptPDF {
    /// Page margins, cell padding and rule width, in points.
    static let margin = 28.0
    static let padding = 3.0
    static let rule = 0.5
    /// The label's share of a cell's width.
    static let labelShare = 0.34

    /// The PDF of `receipt` laid out by `template`.
    public static func render(_ receipt: BankReceipt, account: ReceiptAccount,
                              template: ReceiptTemplate = .default) throws(ReceiptRenderError) -> [UInt8] {
        // The template's rows, `columns` to a line; a line whose values the receipt lacks entirely is
        // left out when the template omits empty rows, so cells keep their places (payer beside payee).
        var lines: [[(label: String, value: String)]] = []
        var start = 0
        while start < template.rows.count {
            let cells = template.rows[start..<min(start + template.columns, template.rows.count)].map { row in
                (label: row.label, value: receipt.value(of: row.field, account: account))
            }
            start += template.columns
            if template.omitsEmptyRows && cells.allSatisfy({ $0.value == nil }) { continue }
            lines.append(cells.map { ($0.label, $0.value ?? "") })
        }
        let title = template.title
        let subtitle = receipt.receiptNumber.map { "No. \($0)" }
        return try draw(page: template.page, metadataDate: receipt.bookingDate + "T00:00:00+08:00", title: title) { canvas in
            var y = canvas.top
            y += canvas.text(title, at: (canvas.left, y), width: canvas.width, font: template.regular(template.fontSize + 6),
                             centered: true) + 2
            if let subtitle {
                y += canvas.text(subtitle, at: (canvas.left, y), width: canvas.width, font: template.regular(template.fontSize - 1),
                                 centered: true)
            }
            y += 6
            let cellWidth = canvas.width / Double(template.columns)
            let labelWidth = cellWidth * labelShare
            let valueWidth = cellWidth - labelWidth
            let footerFont = template.regular(max(6, template.fontSize - 3))
            let footerHeight = template.footer.map { canvas.measure($0, width: canvas.width, font: footerFont) + 8 } ?? 0
            let font = template.regular(template.fontSize)
            for line in lines {
                // Each text laid out once: measured, then drawn.
                let cells = line.map { cell in
                    (label: canvas.layout(cell.label, width: labelWidth - 2 * padding, font: font),
                     value: canvas.layout(cell.value, width: valueWidth - 2 * padding, font: font))
                }
                let height = cells.reduce(0.0) { max($0, $1.label.height, $1.value.height) } + 2 * padding
                if y + height > canvas.bottom - footerHeight {
                    canvas.newPage()
                    y = canvas.top
                }
                for (index, cell) in cells.enumerated() {
                    let x = canvas.left + Double(index) * cellWidth
                    canvas.box(x: x, y: y, width: labelWidth, height: height)
                    canvas.box(x: x + labelWidth, y: y, width: valueWidth, height: height)
                    canvas.draw(cell.label, at: (x + padding, y + padding))
                    canvas.draw(cell.value, at: (x + labelWidth + padding, y + padding))
                }
                y += height
            }
            if let footer = template.footer {
                _ = canvas.text(footer, at: (canvas.left, canvas.bottom - footerHeight + 8), width: canvas.width, font: footerFont)
            }
        }
    }

    /// Runs `body` on a fresh PDF of `page` size and returns the finished document.
    static func draw(page: ReceiptTemplate.Page, metadataDate: String, title: String,
                     _ body: (PDFCanvas) -> Void) throws(ReceiptRenderError) -> [UInt8] {
        let sink = ByteSink()
        let size = page.size
        let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().bytes
                .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), size.width, size.height)
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ReceiptRenderError(problem: "cairo cannot create a PDF surface")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "bankgate")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadataDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, metadataDate)
        guard let context = cairo_create(surface) else { throw ReceiptRenderError(problem: "cairo cannot draw") }
        let canvas = PDFCanvas(context: context, width: size.width, height: size.height, margin: margin)
        body(canvas)
        let drawStatus = cairo_status(context)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard drawStatus == CAIRO_STATUS_SUCCESS, status == CAIRO_STATUS_SUCCESS else {
            let failed = drawStatus == CAIRO_STATUS_SUCCESS ? status : drawStatus
            throw ReceiptRenderError(problem: "cairo: " + String(cString: cairo_status_to_string(failed)))
        }
        return sink.bytes
    }
}

/// Where cairo's stream writes the PDF.
final class ByteSink {
    var bytes: [UInt8] = []
}

/// A page being drawn: text laid out by pango, boxes ruled by cairo.
final class PDFCanvas {
    let context: OpaquePointer
    let left: Double, top: Double, width: Double, bottom: Double

    init(context: OpaquePointer, width: Double, height: Double, margin: Double) {
        self.context = context
        left = margin
        top = margin
        self.width = width - 2 * margin
        bottom = height - margin
    }

    /// Draws `text` wrapped to `width` with its top-left at `point`; returns its height.
    func text(_ text: String, at point: (Double, Double), width: Double, font: String, centered: Bool = false) -> Double {
        let block = layout(text, width: width, font: font, centered: centered)
        draw(block, at: point)
        return block.height
    }

    /// The height of `text` wrapped to `width`, without drawing it.
    func measure(_ text: String, width: Double, font: String) -> Double {
        layout(text, width: width, font: font).height
    }

    /// `text` laid out, wrapped to `width`, ready to draw.
    func layout(_ text: String, width: Double, font: String, centered: Bool = false) -> TextBlock {
        guard let layout = pango_cairo_create_layout(context) else { return TextBlock(layout: nil, height: 0) }
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if centered { pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER) }
        pango_layout_set_text(layout, text, -1)
        var layoutWidth: Int32 = 0, layoutHeight: Int32 = 0
        pango_layout_get_size(layout, &layoutWidth, &layoutHeight)
        return TextBlock(layout: layout, height: Double(layoutHeight) / Double(PANGO_SCALE))
    }

    /// Draws `block` with its top-left at `point`.
    func draw(_ block: TextBlock, at point: (Double, Double)) {
        guard let layout = block.layout else { return }
        cairo_move_to(context, point.0, point.1)
        pango_cairo_show_layout(context, layout)
    }

    /// A ruled rectangle.
    func box(x: Double, y: Double, width: Double, height: Double) {
        cairo_set_line_width(context, ReceiptPDF.rule)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    func newPage() {
        cairo_show_page(context)
    }
}

/// A text laid out by pango: its layout (released with the block) and its height in points.
final class TextBlock {
    let layout: OpaquePointer?
    let height: Double

    init(layout: OpaquePointer?, height: Double) {
        self.layout = layout
        self.height = height
    }

    deinit {
        if let layout { g_object_unref(UnsafeMutableRawPointer(layout)) }
    }
}

extension ReceiptTemplate {
    /// A pango font description of the template's family at `size` points. One weight only: each
    /// weight embeds a font subset of its own (a bold title doubled the PDF's size).
    func regular(_ size: Int) -> String { "\(font) \(size)" }
}
