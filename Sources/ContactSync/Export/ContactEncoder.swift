import ContactIO
import IntercomAPI
import JSONText

/// Turns a contact, as Intercom returned it, into one CSV row or one NDJSON line.
struct ContactEncoder: Sendable {
    let format: ExportFormat
    let columns: ExportColumns
    let epoch: Bool
    let safe: Bool
    /// NDJSON with `--fields`: only the chosen members.
    let selecting: Bool
    /// Tag and company names for the CSV columns.
    let relations: ExportRelations

    init(options: ExportOptions, columns: ExportColumns, relations: ExportRelations = ExportRelations()) {
        format = options.format
        self.columns = columns
        epoch = options.epoch
        safe = options.safeCSV
        selecting = options.fields != nil
        self.relations = relations
    }

    /// Appends the contact at `index` of `page`; NDJSON copies the bytes Intercom sent when it can.
    func append(_ page: ContactPage, at index: Int, to buffer: inout [UInt8]) {
        if format == .ndjson, !selecting, let raw = page.rawLine(at: index) {
            buffer.append(contentsOf: raw)
            buffer.append(0x0A)
        } else {
            append(page.replacements[index] ?? page.contacts[index].raw, to: &buffer)
        }
    }

    func append(_ contact: JSONValue, to buffer: inout [UInt8]) {
        switch format {
        case .csv:
            CSVWriter.appendRow(
                columns.cells(of: contact, epoch: epoch, safe: safe, relations: relations), to: &buffer)
        case .ndjson:
            (selecting ? columns.selecting(from: contact) : contact).appendJSON(to: &buffer)
            buffer.append(0x0A)
        }
    }
}
