/// A retention heatmap (cohort triangle) as a self-contained SVG: one row per cohort, one column
/// per period offset, each cell shaded by its value (0…1, white to dark blue) and labelled with
/// it as a percentage; rows are labelled with the cohort and its size. Shading runs from 0 to the
/// largest value outside the first column (offset 0 is 100% by definition and would wash the
/// rest out); the first column is drawn at full shade.
public struct Heatmap: Sendable {
    public var title: String
    public var rowLabels: [String]
    public var columnTitle: String
    /// values[row][column]; rows may be shorter than others (the triangle's right edge).
    public var values: [[Double]]
    /// Rows beyond this many are dropped from the top (oldest cohorts), so the chart stays legible.
    public var maximumRows = 36
    public var maximumColumns = 36

    public init(title: String, rowLabels: [String], columnTitle: String, values: [[Double]]) {
        self.title = title; self.rowLabels = rowLabels; self.columnTitle = columnTitle; self.values = values
    }

    /// The SVG document.
    /// - Complexity: O(cells)
    public func svg() -> String {
        let skip = max(0, values.count - maximumRows)
        let rows = Array(values.dropFirst(skip)), labels = Array(rowLabels.dropFirst(skip))
        let columns = min(maximumColumns, rows.map(\.count).max() ?? 0)
        let scale = max(rows.flatMap { $0.dropFirst().prefix(columns) }.max() ?? 1, 1e-9)
        let cell = (w: 38.0, h: 20.0)
        let margin = (left: 150.0, top: 64.0, right: 20.0, bottom: 40.0)
        let width = margin.left + Double(columns) * cell.w + margin.right
        let height = margin.top + Double(rows.count) * cell.h + margin.bottom
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="14" font-weight="bold">\(LineChart.escape(title))</text>
        <text x="\(Int(margin.left + Double(columns) * cell.w / 2))" y="44" text-anchor="middle">\(LineChart.escape(columnTitle))</text>

        """
        for k in 0..<columns {
            out += "<text x=\"\(margin.left + (Double(k) + 0.5) * cell.w)\" y=\"\(margin.top - 6)\" text-anchor=\"middle\" fill=\"#555\">\(k)</text>\n"
        }
        for (r, row) in rows.enumerated() {
            let y = margin.top + Double(r) * cell.h
            out += "<text x=\"\(margin.left - 6)\" y=\"\(y + cell.h * 0.7)\" text-anchor=\"end\">\(LineChart.escape(labels[r]))</text>\n"
            for (k, v) in row.prefix(columns).enumerated() {
                let t = max(0, min(1, v / scale))
                // White → #08306b (dark blue), perceptually ordered enough for retention.
                let red = Int(255 - t * (255 - 8)), green = Int(255 - t * (255 - 48)), blue = Int(255 - t * (255 - 107))
                let x = margin.left + Double(k) * cell.w
                let text = t > 0.5 ? "white" : "#222"
                out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell.w - 1)\" height=\"\(cell.h - 1)\" fill=\"rgb(\(red),\(green),\(blue))\"><title>\(LineChart.escape(labels[r])), +\(k): \(percent(v))</title></rect>\n"
                out += "<text x=\"\(x + cell.w / 2)\" y=\"\(y + cell.h * 0.68)\" text-anchor=\"middle\" fill=\"\(text)\" font-size=\"10\">\(percent(v))</text>\n"
            }
        }
        if skip > 0 {
            out += "<text x=\"\(margin.left)\" y=\"\(height - 14)\" fill=\"#555\">\(skip) older cohorts not shown</text>\n"
        }
        return out + "</svg>\n"
    }

    private func percent(_ v: Double) -> String { "\(Int((v * 100).rounded()))%" }
}
