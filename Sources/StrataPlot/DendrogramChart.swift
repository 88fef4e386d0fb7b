/// A dendrogram as a self-contained SVG, truncated to its top for large trees: the last
/// `maxLeaves − 1` merges are drawn and every subtree below them becomes one leaf labelled with
/// its size (scipy's `truncate_mode='lastp'`). Heights run up the y axis; a dashed line marks the
/// cut and the clusters under it get their own colours.
public struct DendrogramChart: Sendable {
    /// One merge of scipy's Z: cluster ids (leaves below `leaves`), height, rows under it.
    public struct Merge: Sendable {
        public var left: Int, right: Int
        public var height: Double
        public var size: Double
        public init(left: Int, right: Int, height: Double, size: Double) {
            self.left = left; self.right = right; self.height = height; self.size = size
        }
    }

    public var title: String
    public var leaves: Int
    public var merges: [Merge]
    /// Rows under each leaf (1 for plain rows).
    public var leafSizes: [Double]
    /// The height of the cut, drawn as a dashed line; nil for none.
    public var cut: Double?
    /// Flat clusters the cut makes (for its label).
    public var cutClusters: Int?
    /// Leaves shown at most (the truncation).
    public var maxLeaves = 40
    public var width = 960.0
    public var height = 520.0

    public init(title: String, leaves: Int, merges: [Merge], leafSizes: [Double]? = nil, cut: Double? = nil) {
        precondition(merges.count == leaves - 1)
        self.title = title; self.leaves = leaves; self.merges = merges
        self.leafSizes = leafSizes ?? [Double](repeating: 1, count: leaves); self.cut = cut
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

    /// The SVG document.
    /// - Complexity: O(n) to find the shown subtrees, O(maxLeaves) to draw.
    public func svg() -> String {
        let n = leaves
        let shown = min(max(maxLeaves, 2), n)
        let firstShown = n - 1 - (shown - 1)  // merges at or after this index are drawn
        func isDrawn(_ id: Int) -> Bool { id >= n && id - n >= firstShown }
        func size(_ id: Int) -> Double { id < n ? leafSizes[id] : merges[id - n].size }
        func nodeHeight(_ id: Int) -> Double { isDrawn(id) ? merges[id - n].height : 0 }

        // Leaf order: depth-first from the root, left before right.
        var order: [Int] = []
        var stack = [2 * n - 2]
        while let id = stack.popLast() {
            if isDrawn(id) { stack.append(merges[id - n].right); stack.append(merges[id - n].left) } else { order.append(id) }
        }
        let margin = (left: 80.0, right: 24.0, top: 56.0, bottom: 96.0)
        let plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom
        let top = max(merges.last.map(\.height) ?? 1, merges[firstShown...].map(\.height).max() ?? 1, cut ?? 0) * 1.05
        func py(_ h: Double) -> Double { margin.top + plotH - (top > 0 ? h / top : 0) * plotH }
        var x: [Int: Double] = [:]
        let step = plotW / Double(order.count)
        for (i, id) in order.enumerated() { x[id] = margin.left + step * (Double(i) + 0.5) }

        // Colours: the highest drawn nodes at or under the cut each start a cluster.
        var colour: [Int: String] = [:]
        var clusters = 0
        func paint(_ id: Int, _ inherited: String?) {
            var c = inherited
            if c == nil, let cut, nodeHeight(id) <= cut {
                c = Self.palette[clusters % Self.palette.count]
                clusters += 1
            }
            colour[id] = c ?? "#555"
            if isDrawn(id) { paint(merges[id - n].left, c); paint(merges[id - n].right, c) }
        }
        paint(2 * n - 2, nil)

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(width / 2))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\(LineChart.escape(title))</text>
        <text x="\(Int(width / 2))" y="46" text-anchor="middle" fill="#555">\(shown < n ? "top \(shown - 1) merges; each leaf shows the rows under it" : "\(n) leaves")</text>

        """
        for v in LineChart.ticks(0, top, count: 6) where v <= top {
            out += "<line x1=\"\(margin.left - 5)\" y1=\"\(py(v))\" x2=\"\(margin.left)\" y2=\"\(py(v))\" stroke=\"#888\"/>"
            out += "<text x=\"\(margin.left - 8)\" y=\"\(py(v) + 4)\" text-anchor=\"end\">\(LineChart.label(v))</text>\n"
        }
        out += "<line x1=\"\(margin.left)\" y1=\"\(margin.top)\" x2=\"\(margin.left)\" y2=\"\(margin.top + plotH)\" stroke=\"#888\"/>\n"
        out += "<text transform=\"translate(22 \(margin.top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">merge height</text>\n"
        // Links, children before parents (merge order), so x is known.
        for k in firstShown..<merges.count {
            let m = merges[k], id = n + k
            let xl = x[m.left]!, xr = x[m.right]!, y = py(m.height)
            x[id] = (xl + xr) / 2
            let cl = colour[m.left]!, cr = colour[m.right]!, c = colour[id]!
            out += "<path d=\"M\(xl) \(py(nodeHeight(m.left))) V\(y)\" stroke=\"\(cl)\" fill=\"none\" stroke-width=\"1.5\"/>"
            out += "<path d=\"M\(xr) \(py(nodeHeight(m.right))) V\(y)\" stroke=\"\(cr)\" fill=\"none\" stroke-width=\"1.5\"/>"
            out += "<path d=\"M\(xl) \(y) H\(xr)\" stroke=\"\(c)\" fill=\"none\" stroke-width=\"1.5\"/>\n"
        }
        // Leaf labels: a size in parentheses, or the row number of a single row.
        for id in order {
            let s = size(id)
            let text = id < n && s == 1 ? String(id) : "(\(LineChart.label(s)))"
            let X = x[id]!, Y = margin.top + plotH + 10
            out += "<text transform=\"translate(\(X) \(Y)) rotate(60)\" font-size=\"11\" fill=\"\(colour[id]!)\">\(text)</text>\n"
        }
        if let cut, cut < top {
            out += "<line x1=\"\(margin.left)\" y1=\"\(py(cut))\" x2=\"\(margin.left + plotW)\" y2=\"\(py(cut))\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>"
            out += "<text x=\"\(margin.left + plotW - 4)\" y=\"\(py(cut) - 6)\" text-anchor=\"end\" fill=\"#c0392b\">cut at \(LineChart.label(cut))\(cutClusters.map { ": \($0) clusters" } ?? "")</text>\n"
        }
        out += "</svg>\n"
        return out
    }
}
