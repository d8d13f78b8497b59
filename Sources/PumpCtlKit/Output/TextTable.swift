/// A plain text table: a header row and rows of cells, columns padded to their widest cell and
/// separated by two spaces. A cell may carry a tone; padding is applied before painting, so
/// colour never shifts the columns.
package struct TextTable: Sendable {
    /// One cell: its text and an optional tone.
    package struct Cell: Sendable, ExpressibleByStringLiteral {
        /// The visible text.
        package var text: String
        /// The colour, if any.
        package var tone: TextStyle.Tone?

        package init(_ text: String, _ tone: TextStyle.Tone? = nil) {
            self.text = text
            self.tone = tone
        }

        /// A cell from a literal.
        package init(stringLiteral value: String) { self.init(value) }
    }

    /// The column titles.
    package var header: [String]
    /// The rows, each as many cells as the header.
    package var rows: [[Cell]]

    package init(header: [String], rows: [[Cell]]) {
        self.header = header
        self.rows = rows
    }

    /// The table's lines, each ending in a newline; trailing spaces trimmed.
    package func render(_ style: TextStyle, indent: String = "") -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.text.count)
            }
        }
        func line(_ cells: [Cell]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                let padded = last ? cell.text : cell.text + String(repeating: " ", count: widths[i] - cell.text.count)
                parts.append(style.paint(padded, cell.tone))
            }
            return indent + parts.joined(separator: "  ") + "\n"
        }
        var out = line(header.map { Cell($0, .bold) })
        for row in rows { out += line(row) }
        return out
    }
}

extension TextTable {
    /// The table without its last column unless `keep`: a column added to a table later (SOURCE)
    /// is shown only when a row has something in it, so tables of older data read as before.
    package func withoutLastColumnUnless(_ keep: Bool) -> TextTable {
        guard !keep else { return self }
        return TextTable(header: header.dropLast(), rows: rows.map { Array($0.dropLast()) })
    }
}
