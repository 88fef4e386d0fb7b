import Foundation

/// Text normalizations for matching and cleaning.
public enum Normalize: String, Sendable, CaseIterable {
    /// As given.
    case none
    /// Trimmed and case-folded (Unicode lowercase).
    case lower
    /// Trimmed, lowercased, a `+tag` before the `@` removed; nil when not one `@` with text on both sides.
    case email
    /// E.164 (`+15551234567`) given the default region's calling code; nil when not 8–15 digits.
    case phone
    /// Letters and digits only, lowercased, accents removed (`O'Brien-Smith` → `obriensmith`).
    case name
    /// Digits only.
    case digits

    public func apply(_ text: String, region: PhoneRegion = .us) -> String? {
        // ASCII text (most identifiers, emails and phone numbers) takes a byte-level path with
        // the same result; anything else goes through Foundation's Unicode-aware functions.
        if self != .none, let fast = asciiFast(text, region: region) { return fast }
        switch self {
        case .none: return text
        case .lower: return text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        case .email: return Self.email(text)
        case .phone: return Self.phone(text, region: region)
        case .name:
            let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            let kept = String(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
            return kept.isEmpty ? nil : kept
        case .digits:
            let d = text.filter(\.isASCII).filter(\.isNumber)
            return d.isEmpty ? nil : d
        }
    }

    /// The byte-level result for ASCII input (`.some(nil)`: invalid), or nil to take the general path.
    private func asciiFast(_ text: String, region: PhoneRegion) -> String?? {
        var bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0d).contains(b) }
        func lower(_ b: UInt8) -> UInt8 { (0x41...0x5a).contains(b) ? b | 0x20 : b }
        func isAlnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x7a).contains(b) || (0x41...0x5a).contains(b) }
        switch self {
        case .none: return nil
        case .lower, .email:
            while let f = bytes.first, isSpace(f) { bytes.removeFirst() }
            while let l = bytes.last, isSpace(l) { bytes.removeLast() }
            let folded = String(decoding: bytes.map(lower), as: UTF8.self)
            return self == .lower ? .some(.some(folded)) : .some(Self.email(folded))
        case .name:
            let kept = bytes.filter(isAlnum).map(lower)
            return .some(kept.isEmpty ? nil : String(decoding: kept, as: UTF8.self))
        case .digits:
            let d = bytes.filter { (0x30...0x39).contains($0) }
            return .some(d.isEmpty ? nil : String(decoding: d, as: UTF8.self))
        case .phone:
            while let f = bytes.first, isSpace(f) { bytes.removeFirst() }
            let international = bytes.first == UInt8(ascii: "+")
            return .some(Self.phoneDigits(String(decoding: bytes.filter { (0x30...0x39).contains($0) }, as: UTF8.self),
                                          international: international, region: region))
        }
    }

    static func email(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return nil }
        let local = parts[0].split(separator: "+", maxSplits: 1).first.map(String.init) ?? String(parts[0])
        return local.isEmpty ? nil : local + "@" + parts[1]
    }

    static func phone(_ text: String, region: PhoneRegion) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return phoneDigits(t.filter { $0.isASCII && $0.isNumber }, international: t.hasPrefix("+"), region: region)
    }

    /// E.164 from the number's digits and whether it was written with a leading `+`.
    static func phoneDigits(_ written: String, international: Bool, region: PhoneRegion) -> String? {
        var digits = written
        if international {
            // Already international.
        } else if digits.hasPrefix("00") {
            digits.removeFirst(2)
        } else {
            if region.trunkPrefix, digits.hasPrefix("0") { digits.removeFirst() }
            if !(region.code == "1" && digits.count == 11 && digits.hasPrefix("1")) { digits = region.code + digits }
        }
        guard (8...15).contains(digits.count) else { return nil }
        return "+" + digits
    }
}

/// Calling codes for phone normalization, by region.
public struct PhoneRegion: Sendable, Equatable {
    public let code: String
    /// Whether national numbers start with a trunk 0 that E.164 drops (most of Europe, UK, AU…).
    public let trunkPrefix: Bool

    public static let us = PhoneRegion(code: "1", trunkPrefix: false)

    static let known: [String: PhoneRegion] = [
        "US": .us, "CA": .us, "GB": .init(code: "44", trunkPrefix: true), "DE": .init(code: "49", trunkPrefix: true),
        "FR": .init(code: "33", trunkPrefix: true), "NL": .init(code: "31", trunkPrefix: true), "ES": .init(code: "34", trunkPrefix: false),
        "IT": .init(code: "39", trunkPrefix: false), "AU": .init(code: "61", trunkPrefix: true), "IN": .init(code: "91", trunkPrefix: true),
        "BR": .init(code: "55", trunkPrefix: true), "JP": .init(code: "81", trunkPrefix: true), "IE": .init(code: "353", trunkPrefix: true),
        "CH": .init(code: "41", trunkPrefix: true), "AT": .init(code: "43", trunkPrefix: true), "BE": .init(code: "32", trunkPrefix: true),
        "SE": .init(code: "46", trunkPrefix: true), "MX": .init(code: "52", trunkPrefix: false),
    ]

    /// The region for an ISO 3166 code (`US`, `GB`, `DE`, …), nil when unknown.
    public init?(iso: String) {
        guard let r = Self.known[iso.uppercased()] else { return nil }
        self = r
    }

    init(code: String, trunkPrefix: Bool) {
        self.code = code
        self.trunkPrefix = trunkPrefix
    }
}
