/// A histogram as a self-contained SVG, with an optional marked threshold (e.g. the anomaly
/// cut-off): bars left of it in one colour, right of it in another.
public struct Histogram: Sendable {
    public var title: String
    public var xLabel: String
    public var values: [Double]
    public var bins = 40
    public var threshold: Double?
    public var thresholdLabel = "threshold"
    public var width = 720.0
    public var height = 300.0

    public init(title: String, xLabel: String, values: [Double], threshold: Double? = nil) {
        self.title = title; self.xLabel = xLabel; self.values = values; self.threshold = threshold
    }

    /// The SVG document.
    /// - Complexity: O(values)
    public func svg() -> String {
        let finite = values.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = max(finite.max() ?? 1, lo + 1e-12)
        var counts = [Int](repeating: 0, count: bins)
        for v in finite { counts[min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))] += 1 }
        let top = Double(max(counts.max() ?? 1, 1))
        let margin = (left: 64.0, right: 20.0, top: 40.0, bottom: 48.0)
        let w = width - margin.left - margin.right, h = height - margin.top - margin.bottom
        func px(_ v: Double) -> Double { margin.left + (v - lo) / (hi - lo) * w }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="14" font-weight="bold">\(LineChart.escape(title))</text>

        """
        for (b, c) in counts.enumerated() where c > 0 {
            let x0 = lo + (hi - lo) * Double(b) / Double(bins), x1 = lo + (hi - lo) * Double(b + 1) / Double(bins)
            let bh = Double(c) / top * h
            let colour = threshold.map { (x0 + x1) / 2 < $0 } == true ? "#c0392b" : "#1f5fa8"
            out += "<rect x=\"\(px(x0))\" y=\"\(margin.top + h - bh)\" width=\"\(max(px(x1) - px(x0) - 1, 0.5))\" height=\"\(bh)\" fill=\"\(colour)\"><title>\(c) rows</title></rect>\n"
        }
        out += "<line x1=\"\(margin.left)\" y1=\"\(margin.top + h)\" x2=\"\(margin.left + w)\" y2=\"\(margin.top + h)\" stroke=\"#888\"/>\n"
        for v in LineChart.ticks(lo, hi, count: 6) where v >= lo && v <= hi {
            out += "<text x=\"\(px(v))\" y=\"\(margin.top + h + 16)\" text-anchor=\"middle\">\(LineChart.label(v))</text>"
        }
        out += "<text x=\"\(margin.left + w / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">\(LineChart.escape(xLabel))</text>\n"
        out += "<text x=\"\(margin.left - 8)\" y=\"\(margin.top + 4)\" text-anchor=\"end\">\(Int(top))</text>"
        out += "<text x=\"\(margin.left - 8)\" y=\"\(margin.top + h)\" text-anchor=\"end\">0</text>\n"
        if let t = threshold, t >= lo, t <= hi {
            out += "<line x1=\"\(px(t))\" y1=\"\(margin.top)\" x2=\"\(px(t))\" y2=\"\(margin.top + h)\" stroke=\"#333\" stroke-dasharray=\"5 3\"/>"
            out += "<text x=\"\(px(t) + 4)\" y=\"\(margin.top + 12)\">\(LineChart.escape(thresholdLabel))</text>\n"
        }
        return out + "</svg>\n"
    }
}
