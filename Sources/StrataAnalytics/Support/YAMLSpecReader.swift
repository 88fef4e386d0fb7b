import StrataCore
import Yams

/// Reads the YAML files Strata's commands take (segment rules, cleaning and job specs), with
/// errors naming the file, the line and the key.
public struct YAMLSpecReader: Sendable {
    public let source: String

    public init(source: String) { self.source = source }

    /// The document's top-level mapping.
    public func top(_ document: String, what: String) throws -> Node.Mapping {
        let root: Node?
        do { root = try Yams.compose(yaml: document) } catch { throw StrataError(.parse, "not valid YAML: \(error)", file: source) }
        guard let top = root?.mapping else { throw StrataError(.parse, "\(what) must be a mapping of keys to values", file: source) }
        return top
    }

    public func fail(_ node: Node, _ message: String) -> StrataError { StrataError(.parse, message, file: source, line: node.mark?.line) }

    public func text(_ node: Node, _ what: String) throws -> String {
        guard let s = node.scalar?.string, !s.isEmpty else { throw fail(node, "\(what) must be text") }
        return s
    }

    public func list(_ node: Node, _ what: String) throws -> [String] {
        guard let seq = node.sequence else { throw fail(node, "\(what) must be a list") }
        return try seq.map { try text($0, "an item of \(what)") }
    }

    public func mapping(_ node: Node, _ what: String) throws -> Node.Mapping {
        guard let m = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        return m
    }

    public func unknown(_ key: Node, _ place: String, _ known: [String]) -> StrataError {
        fail(key, "unknown key '\(key.string ?? "?")' in \(place) (known: \(known.joined(separator: ", ")))")
    }
}
