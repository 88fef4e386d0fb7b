import StrataCore

/// Parses the CLI-style dedup specifications (`column:normalize:prefix+…`, `column:method:weight:normalize`).
public enum DedupSpecs {
    public static func block(_ spec: String) throws -> DedupConfiguration.Block {
        DedupConfiguration.Block(try spec.split(separator: "+").map { part in
            let p = part.split(separator: ":").map(String.init)
            guard let column = p.first, !column.isEmpty else { throw StrataError(.invalidConfiguration, "block '\(spec)': empty part") }
            let normalize = p.count > 1 ? Normalize(rawValue: p[1]) : .lower
            guard let normalize else { throw StrataError(.invalidConfiguration, "block '\(spec)': unknown normalization '\(p[1])'") }
            let prefix = p.count > 2 ? Int(p[2]) : nil
            if p.count > 2 && prefix == nil { throw StrataError(.invalidConfiguration, "block '\(spec)': the prefix must be a number") }
            return .init(column, normalize: normalize, prefix: prefix)
        })
    }

    public static func field(_ spec: String) throws -> DedupConfiguration.Field {
        let p = spec.split(separator: ":").map(String.init)
        guard p.count >= 2, let method = DedupConfiguration.Field.Method(rawValue: p[1]) else {
            throw StrataError(.invalidConfiguration, "field '\(spec)' must be COLUMN:jw|levenshtein|exact[:WEIGHT[:NORMALIZE]]")
        }
        let weight = p.count > 2 ? Double(p[2]) : 1
        guard let weight, weight > 0 else { throw StrataError(.invalidConfiguration, "field '\(spec)': the weight must be a positive number") }
        let normalize = p.count > 3 ? Normalize(rawValue: p[3]) : .lower
        guard let normalize else { throw StrataError(.invalidConfiguration, "field '\(spec)': unknown normalization '\(p[3])'") }
        return .init(p[0], method, weight: weight, normalize: normalize)
    }
}
