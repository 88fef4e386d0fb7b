import Foundation

/// Versioned JSON documents (saved models) written atomically and read with checks.
public enum JSONFile {
    /// Writes `value` as pretty, key-sorted JSON to a temporary name, then renames it into place:
    /// a failure leaves no partial file. Non-finite numbers are written as "inf", "-inf", "nan".
    /// - Throws: `StrataError.io`.
    public static func save<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        let tmp = path + ".tmp-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: tmp))
            guard rename(tmp, path) == 0 else { throw StrataError(.io, "cannot move the file into place", file: path) }
        } catch let e as StrataError {
            unlink(tmp); throw e
        } catch {
            unlink(tmp)
            throw StrataError(.io, "cannot write: \(error.localizedDescription)", file: path)
        }
    }

    /// Reads a document saved by `save`.
    /// - Parameter what: what the file should be, for the error ("a Strata K-Means model").
    /// - Throws: `StrataError.io` (unreadable), `.parse` (not valid JSON of that shape).
    public static func load<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.io, "cannot open for reading: no such file or not readable", file: path)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw StrataError(.parse, "not \(what) file (\(error))", file: path)
        }
    }
}
