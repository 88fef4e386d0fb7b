import StrataCore


/// A saved Isolation Forest: versioned JSON (`format: strata-iforest`, `version: 1`) holding the
/// feature column names and the flat forest — per node: `feature` (−1 for a hyperplane node of
/// an extended tree), `threshold`, `child` (two per node, a leaf points at itself), `value` (a
/// leaf's depth + c(size)), `size` (training rows reaching it), `normal` (extended trees: d per
/// node); per tree: `roots` and `depths`; and the offset of the decision function.
public struct IsolationForestDocument: Codable, Sendable {
    public static let formatName = "strata-iforest"
    public static let currentVersion = 1
    public var format = formatName
    public var version = currentVersion
    public var columns: [String]
    public var model: IsolationForestModel

    public init(columns: [String], model: IsolationForestModel) {
        self.columns = columns
        self.model = model
    }

    /// Writes the document as JSON, atomically.
    public func save(to path: String) throws { try JSONFile.save(self, to: path) }

    /// Reads a saved document and checks that the forest is well formed (so that a damaged
    /// file is an error, never a crash while scoring).
    /// - Throws: `StrataError.io`, `.parse`.
    public static func load(from path: String) throws -> IsolationForestDocument {
        let doc = try JSONFile.load(IsolationForestDocument.self, from: path, what: "a Strata Isolation Forest model")
        guard doc.format == formatName else { throw StrataError(.parse, "format is '\(doc.format)', expected '\(formatName)'", file: path) }
        guard doc.version <= currentVersion else {
            throw StrataError(.parse, "model version \(doc.version) is newer than this strata reads (\(currentVersion))", file: path)
        }
        if let problem = doc.model.structuralProblem(columns: doc.columns.count) {
            throw StrataError(.parse, "damaged model: \(problem)", file: path)
        }
        return doc
    }
}

extension IsolationForestModel {
    /// Why the flat forest cannot be scored safely, or nil.
    func structuralProblem(columns d: Int) -> String? {
        let n = feature.count
        if d != columns { return "\(columns) model columns but \(d) column names" }
        if threshold.count != n || value.count != n || size.count != n || child.count != 2 * n { return "node arrays differ in length" }
        if extensionLevel != nil && normal.count != n * d { return "hyperplane normals do not match the nodes" }
        if roots.count != depths.count || roots.isEmpty { return "no trees, or roots and depths differ" }
        if roots.contains(where: { $0 < 0 || Int($0) >= n }) { return "a tree root is out of range" }
        if child.contains(where: { $0 < 0 || Int($0) >= n }) { return "a child index is out of range" }
        if feature.contains(where: { $0 >= Int32(d) || $0 < (extensionLevel == nil ? 0 : -1) }) { return "a split feature is out of range" }
        if depths.contains(where: { $0 < 0 || $0 > 64 }) { return "a tree depth is out of range" }
        if samples < 1 { return "the subsample size is not positive" }
        return nil
    }
}
