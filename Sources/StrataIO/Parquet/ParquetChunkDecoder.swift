import _CStrataCodecs
import StrataCore

/// Decodes one column chunk (one column of one row group) into its rows of the output column.
///
/// Values go straight into the output column's storage at the chunk's first row; string
/// columns receive indices into the chunk's own dictionary (`strings`), which the reader then
/// merges into the column's. Every page is checked against the chunk's byte range.
final class ParquetChunkDecoder {
    let leaf: ParquetLeaf
    let codec: Parquet.Codec
    let rows: Int
    /// Output storage for this chunk's rows (`rows × leaf.outputWidth` bytes).
    let destination: UnsafeMutableRawPointer

    /// Per row, 1 when it holds a value; nil until the first null appears.
    private(set) var valid: [UInt8]?
    /// For string outputs: the chunk's distinct values, which the indices refer to.
    private let interner = ByteInterner()
    private(set) var strings: [String] = []

    private let page = ScratchBuffer()
    private let values = ScratchBuffer()
    private let dictionary = ScratchBuffer()
    private var dictionaryCount = -1  // -1: no dictionary page yet
    private var levels: [UInt32] = []
    private let fill: [UInt8]

    init(leaf: ParquetLeaf, codec: Parquet.Codec, rows: Int, destination: UnsafeMutableRawPointer) {
        self.leaf = leaf
        self.codec = codec
        self.rows = rows
        self.destination = destination
        self.fill = leaf.nullFill
    }

    /// Decodes the pages in `chunk` (the column chunk's bytes).
    func decode(_ chunk: ByteSpan) throws {
        try decodePages(chunk)
        if leaf.output == .string { finishStrings() }
    }

    /// Makes the chunk's dictionary text. When UTF-8 repair made two byte strings read the same,
    /// they are merged and this chunk's indices rewritten, so the dictionary stays distinct.
    private func finishStrings() {
        let (values, repaired) = interner.strings()
        guard repaired else { strings = values; return }
        var byText: [String: Int32] = [:], distinct: [String] = []
        let map = values.map { s -> Int32 in
            if let j = byText[s] { return j }
            let j = Int32(distinct.count)
            distinct.append(s)
            byText[s] = j
            return j
        }
        let idx = destination.assumingMemoryBound(to: Int32.self)
        for r in 0..<rows where (valid?[r] ?? 1) != 0 { idx[r] = map[Int(idx[r])] }
        strings = distinct
    }

    private func decodePages(_ chunk: ByteSpan) throws {
        var position = 0
        var rowsDone = 0
        while rowsDone < rows {
            guard position < chunk.count else {
                throw ParquetDecodeError(reason: "the column chunk ends after \(rowsDone) of \(rows) rows")
            }
            var reader = ThriftCompactReader(chunk.base + position, count: chunk.count - position)
            let header: Parquet.PageHeader
            do { header = try Parquet.PageHeader(thrift: &reader) } catch let e as ThriftCompactReader.Malformed {
                throw ParquetDecodeError(reason: "corrupt page header at byte \(position) of the chunk (\(e.reason))")
            }
            position += reader.position
            let compressed = Int(header.compressedSize), uncompressed = Int(header.uncompressedSize)
            guard compressed >= 0, uncompressed >= 0, compressed <= chunk.count - position else {
                throw ParquetDecodeError(reason: "a page of \(compressed) bytes runs past the column chunk")
            }
            let body = ByteSpan(base: chunk.base + position, count: compressed)
            position += compressed
            switch Parquet.PageType(rawValue: header.type) {
            case .dictionaryPage:
                guard let d = header.dictionaryPage else { throw ParquetDecodeError(reason: "dictionary page without its header") }
                try readDictionary(try decompress(body, into: page, size: uncompressed), d)
            case .dataPage:
                guard let d = header.dataPage else { throw ParquetDecodeError(reason: "data page without its header") }
                let n = Int(d.numValues)
                guard n >= 0, n <= rows - rowsDone else { throw ParquetDecodeError(reason: "a data page holds \(n) values, more than the row group's remaining \(rows - rowsDone)") }
                var data = try decompress(body, into: page, size: uncompressed)
                var present = n
                if leaf.maxDefinition > 0 {
                    guard d.definitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                        throw ParquetDecodeError(reason: "definition levels in encoding \(d.definitionLevelEncoding) (only RLE is supported)")
                    }
                    let length = Int(try data.loadLE32(at: 0))
                    present = try readLevels(try data.dropFirst(4).prefix(length), count: n, row: rowsDone)
                    data = try data.dropFirst(4 + length)
                }
                try readValues(data, encoding: d.encoding, present: present, rows: n, row: rowsDone)
                rowsDone += n
            case .dataPageV2:
                guard let d = header.dataPageV2 else { throw ParquetDecodeError(reason: "data page v2 without its header") }
                let n = Int(d.numRows), defLength = Int(d.definitionLevelsByteLength), repLength = Int(d.repetitionLevelsByteLength)
                guard n >= 0, n <= rows - rowsDone, Int(d.numValues) == n else {
                    throw ParquetDecodeError(reason: "a v2 data page holds \(n) rows, more than the row group's remaining \(rows - rowsDone)")
                }
                guard repLength == 0 else { throw ParquetDecodeError(reason: "repetition levels in a flat column") }
                guard defLength >= 0, defLength <= body.count else { throw ParquetDecodeError(reason: "definition levels run past the page") }
                var present = n
                if leaf.maxDefinition > 0 {
                    present = try readLevels(try body.prefix(defLength), count: n, row: rowsDone)
                }
                let rest = try body.dropFirst(defLength)
                let data = d.isCompressed && codec != .uncompressed
                    ? try decompress(rest, into: page, size: uncompressed - defLength)
                    : rest
                try readValues(data, encoding: d.encoding, present: present, rows: n, row: rowsDone)
                rowsDone += n
            default:
                continue  // index pages and future page types carry nothing Strata needs
            }
        }
    }

    // MARK: Pages

    private func decompress(_ body: ByteSpan, into buffer: ScratchBuffer, size: Int) throws -> ByteSpan {
        if codec == .uncompressed {
            guard body.count == size else { throw ParquetDecodeError(reason: "an uncompressed page of \(body.count) bytes claims \(size)") }
            return body
        }
        guard size >= 0, size <= 1 << 31,
              strata_plausible_size(Int32(codec.rawValue), body.base, body.count, size) != 0 else {
            throw ParquetDecodeError(reason: "a \(codec.name) page of \(body.count) bytes cannot hold the \(size) bytes it claims (corrupt page)")
        }
        let out = buffer.reserve(size + 16).assumingMemoryBound(to: UInt8.self)
        let rc = strata_decompress(Int32(codec.rawValue), body.base, body.count, out, size)
        guard rc == 0 else {
            if rc == -2 { throw ParquetDecodeError(reason: "compression codec \(codec.name) is not supported") }
            throw ParquetDecodeError(reason: "a \(codec.name) page does not decompress to its stated \(size) bytes (corrupt page)")
        }
        return ByteSpan(base: UnsafePointer(out), count: size)
    }

    /// Decodes definition levels into `valid` for rows `row ..< row + count`; returns how many
    /// rows hold values.
    private func readLevels(_ src: ByteSpan, count: Int, row: Int) throws -> Int {
        if levels.count < count { levels = [UInt32](repeating: 0, count: count) }
        try levels.withUnsafeMutableBufferPointer { l in
            _ = try ParquetRLE.decode(src, bitWidth: 1, count: count, into: l.baseAddress!)
        }
        var present = 0
        for i in 0..<count { present += Int(levels[i]) }
        if present < count {
            if valid == nil { valid = [UInt8](repeating: 1, count: rows) }
            for i in 0..<count { valid![row + i] = UInt8(truncatingIfNeeded: levels[i]) }
        } else if valid != nil {
            for i in 0..<count { valid![row + i] = 1 }
        }
        return present
    }

    private func readDictionary(_ data: ByteSpan, _ header: Parquet.DictionaryPageHeader) throws {
        let n = Int(header.numValues)
        guard n >= 0 else { throw ParquetDecodeError(reason: "a dictionary page of \(n) values") }
        guard header.encoding == Parquet.Encoding.plain.rawValue || header.encoding == Parquet.Encoding.plainDictionary.rawValue else {
            throw ParquetDecodeError(reason: "dictionary page in encoding \(header.encoding) (expected PLAIN)")
        }
        let decoded = try decodePlainLike(data, encoding: Parquet.Encoding.plain.rawValue, count: n, scratch: values)
        dictionary.reserve(max(n, 1) * leaf.outputWidth + 64).copyMemory(from: decoded, byteCount: n * leaf.outputWidth)
        dictionaryCount = n
    }

    /// Decodes `present` values of a page into the rows `row ..< row + rows`.
    private func readValues(_ data: ByteSpan, encoding: Int32, present: Int, rows n: Int, row: Int) throws {
        let width = leaf.outputWidth
        let dense: UnsafeRawPointer
        if encoding == Parquet.Encoding.rleDictionary.rawValue || encoding == Parquet.Encoding.plainDictionary.rawValue {
            guard dictionaryCount >= 0 else { throw ParquetDecodeError(reason: "dictionary-encoded page without a dictionary page") }
            let out = values.reserve(max(present, 1) * max(width, 4) + present * 4 + 64)
            if present > 0 {
                guard data.count >= 1 else { throw ParquetDecodeError(reason: "dictionary-encoded page without its bit width") }
                let bitWidth = Int(data.base[0])
                guard bitWidth <= 32 else { throw ParquetDecodeError(reason: "dictionary index bit width \(bitWidth)") }
                // Indices after the values' room; then gather in place.
                let indices = (out + present * max(width, 4)).assumingMemoryBound(to: UInt32.self)
                _ = try ParquetRLE.decode(try data.dropFirst(1), bitWidth: bitWidth, count: present, into: indices)
                try gather(indices: indices, count: present, into: out)
            }
            dense = UnsafeRawPointer(out)
        } else {
            dense = try decodePlainLike(data, encoding: encoding, count: present, scratch: values)
        }
        let target = destination + row * width
        if present == n {
            target.copyMemory(from: dense, byteCount: n * width)
        } else {
            fill.withUnsafeBufferPointer { f in
                valid!.withUnsafeBufferPointer { v in
                    strata_scatter(dense.assumingMemoryBound(to: UInt8.self), width, v.baseAddress! + row, n,
                                   f.baseAddress!, target.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
    }

    private func gather(indices: UnsafeMutablePointer<UInt32>, count: Int, into out: UnsafeMutableRawPointer) throws {
        let d = dictionary.base
        let ok: Bool
        switch leaf.outputWidth {
        case 4: ok = strata_gather32(d.assumingMemoryBound(to: UInt32.self), dictionaryCount, indices, count, out.assumingMemoryBound(to: UInt32.self)) == 0
        case 8: ok = strata_gather64(d.assumingMemoryBound(to: UInt64.self), dictionaryCount, indices, count, out.assumingMemoryBound(to: UInt64.self)) == 0
        default:
            let src = d.assumingMemoryBound(to: UInt8.self), dst = out.assumingMemoryBound(to: UInt8.self)
            var bad = false
            for i in 0..<count {
                let j = Int(indices[i])
                if j >= dictionaryCount { bad = true; break }
                dst[i] = src[j]
            }
            ok = !bad
        }
        guard ok else { throw ParquetDecodeError(reason: "a dictionary index is past the dictionary's \(dictionaryCount) values") }
    }

    // MARK: Values

    /// Decodes `count` values in a non-dictionary encoding and returns them in output form
    /// (`count × outputWidth` bytes), either in `scratch` or, when no conversion is needed, in
    /// the page itself.
    private func decodePlainLike(_ data: ByteSpan, encoding: Int32, count: Int, scratch: ScratchBuffer) throws -> UnsafeRawPointer {
        guard let enc = Parquet.Encoding(rawValue: encoding) else { throw ParquetDecodeError(reason: "unknown encoding \(encoding)") }
        let outBytes = max(count, 1) * leaf.outputWidth + 64
        switch leaf.physical {
        case .boolean:
            let out = scratch.reserve(outBytes).assumingMemoryBound(to: UInt8.self)
            switch enc {
            case .plain:
                guard (count + 7) / 8 <= data.count else { throw ParquetDecodeError(reason: "BOOLEAN page ends early") }
                for i in 0..<count { out[i] = (data.base[i >> 3] >> UInt8(i & 7)) & 1 }
            case .rle:
                let length = Int(try data.loadLE32(at: 0))
                let bits = try data.dropFirst(4).prefix(length)
                var tmp = [UInt32](repeating: 0, count: count)
                try tmp.withUnsafeMutableBufferPointer { _ = try ParquetRLE.decode(bits, bitWidth: 1, count: count, into: $0.baseAddress!) }
                for i in 0..<count { out[i] = UInt8(truncatingIfNeeded: tmp[i]) }
            default: throw unsupportedEncoding(enc)
            }
            return UnsafeRawPointer(out)
        case .byteArray:
            let v: ByteArrayValues
            switch enc {
            case .plain: v = try ByteArrayValues.plain(data, count: count).0
            case .deltaLengthByteArray: v = try ByteArrayValues.deltaLength(data, count: count).0
            case .deltaByteArray: v = try ByteArrayValues.delta(data, count: count)
            default: throw unsupportedEncoding(enc)
            }
            return try convertByteArrays(v, scratch: scratch)
        case .fixedLenByteArray:
            let v: ByteArrayValues
            switch enc {
            case .plain: v = try ByteArrayValues.fixed(data, count: count, width: leaf.typeLength)
            case .deltaByteArray: v = try ByteArrayValues.delta(data, count: count)
            case .byteStreamSplit:
                let w = leaf.typeLength
                guard count * w <= data.count else { throw ParquetDecodeError(reason: "BYTE_STREAM_SPLIT page ends early") }
                var bytes = [UInt8](repeating: 0, count: count * w)
                bytes.withUnsafeMutableBufferPointer { strata_byte_stream_split_decode(data.base, count, w, $0.baseAddress) }
                v = ByteArrayValues(starts: (0..<count).map { $0 * w }, lengths: [Int](repeating: w, count: count), owned: bytes, base: nil)
            default: throw unsupportedEncoding(enc)
            }
            return try convertByteArrays(v, scratch: scratch)
        case .int32, .int64, .int96, .float, .double:
            let w = leaf.physicalWidth
            var physical: UnsafeRawPointer
            switch enc {
            case .plain:
                guard count <= data.count / w else { throw ParquetDecodeError(reason: "PLAIN page holds fewer than its \(count) values") }
                physical = UnsafeRawPointer(data.base)
            case .byteStreamSplit:
                guard leaf.physical != .int96, count <= data.count / w else { throw ParquetDecodeError(reason: "BYTE_STREAM_SPLIT page ends early") }
                let out = scratch.reserve(outBytes + count * w)
                let tmp = (out + outBytes).assumingMemoryBound(to: UInt8.self)
                strata_byte_stream_split_decode(data.base, count, w, tmp)
                physical = UnsafeRawPointer(tmp)
            case .deltaBinaryPacked:
                guard leaf.physical == .int32 || leaf.physical == .int64 else { throw unsupportedEncoding(enc) }
                let (decoded, _) = try DeltaBinaryPacked.decode(data, expected: count)
                let out = scratch.reserve(outBytes + count * w)
                let tmp = out + outBytes
                if w == 8 {
                    decoded.withUnsafeBytes { tmp.copyMemory(from: $0.baseAddress!, byteCount: count * 8) }
                } else {
                    let t = tmp.assumingMemoryBound(to: Int32.self)
                    for i in 0..<count { t[i] = Int32(truncatingIfNeeded: decoded[i]) }
                }
                physical = UnsafeRawPointer(tmp)
            default: throw unsupportedEncoding(enc)
            }
            if leaf.conversion == .copy { return physical }
            let out = scratch.reserve(outBytes)  // never overlaps `physical` (placed after outBytes)
            convertFixed(physical, count: count, into: out)
            return UnsafeRawPointer(out)
        }
    }

    private func unsupportedEncoding(_ e: Parquet.Encoding) -> ParquetDecodeError {
        ParquetDecodeError(reason: "encoding \(e) is not valid for a \(leaf.physical) column")
    }

    private func convertFixed(_ src: UnsafeRawPointer, count: Int, into out: UnsafeMutableRawPointer) {
        switch leaf.conversion {
        case .widenInt32(let signed):
            let s = src.assumingMemoryBound(to: Int32.self), d = out.assumingMemoryBound(to: Int64.self)
            if signed { for i in 0..<count { d[i] = Int64(s[i]) } } else { for i in 0..<count { d[i] = Int64(UInt32(bitPattern: s[i])) } }
        case .timestamp(let multiply, let divide):
            let s = src.assumingMemoryBound(to: Int64.self), d = out.assumingMemoryBound(to: Int64.self)
            if divide == 1 {
                for i in 0..<count { d[i] = s[i] &* multiply }
            } else {
                for i in 0..<count {
                    let q = s[i] / divide, r = s[i] % divide
                    d[i] = r < 0 ? q - 1 : q
                }
            }
        case .int96:
            let d = out.assumingMemoryBound(to: Int64.self)
            for i in 0..<count {
                let p = src + 12 * i
                let nanos = p.loadUnaligned(as: Int64.self), julian = Int64(p.loadUnaligned(fromByteOffset: 8, as: Int32.self))
                d[i] = (julian - 2_440_588) &* 86_400_000_000 &+ nanos / 1000
            }
        case .decimal(let scale):
            let d = out.assumingMemoryBound(to: Double.self)
            let divisor = pow10(scale)
            if leaf.physical == .int32 {
                let s = src.assumingMemoryBound(to: Int32.self)
                for i in 0..<count { d[i] = Double(s[i]) / divisor }
            } else {
                let s = src.assumingMemoryBound(to: Int64.self)
                for i in 0..<count { d[i] = Double(s[i]) / divisor }
            }
        case .unsignedInt64:
            let s = src.assumingMemoryBound(to: UInt64.self), d = out.assumingMemoryBound(to: Double.self)
            for i in 0..<count { d[i] = Double(s[i]) }
        case .copy, .float16, .string, .hex, .uuid:
            out.copyMemory(from: src, byteCount: count * leaf.outputWidth)
        }
    }

    private func convertByteArrays(_ v: ByteArrayValues, scratch: ScratchBuffer) throws -> UnsafeRawPointer {
        let out = scratch.reserve(max(v.count, 1) * leaf.outputWidth + 64)
        switch leaf.conversion {
        case .decimal(let scale):
            let d = out.assumingMemoryBound(to: Double.self)
            let divisor = pow10(scale)
            for i in 0..<v.count { d[i] = v.withValue(i) { bigEndianTwosComplement($0) } / divisor }
        case .float16:
            let d = out.assumingMemoryBound(to: Float.self)
            for i in 0..<v.count {
                d[i] = v.withValue(i) { b in Float(Float16(bitPattern: UInt16(b[0]) | UInt16(b[1]) << 8)) }
            }
        default:
            let d = out.assumingMemoryBound(to: Int32.self)
            for i in 0..<v.count {
                d[i] = v.withValue(i) { b in
                    switch leaf.conversion {
                    case .uuid: return Array(uuidText(b).utf8).withUnsafeBufferPointer { interner.intern($0) }
                    case .hex: return Array(hexText(b).utf8).withUnsafeBufferPointer { interner.intern($0) }
                    default: return interner.intern(b)
                    }
                }
            }
        }
        return UnsafeRawPointer(out)
    }
}

private func pow10(_ scale: Int32) -> Double {
    var r = 1.0
    for _ in 0..<Int(abs(scale)) { r *= 10 }
    return scale >= 0 ? r : 1 / r
}

/// A big-endian two's-complement integer of any length as a double.
private func bigEndianTwosComplement(_ b: UnsafeBufferPointer<UInt8>) -> Double {
    guard !b.isEmpty else { return 0 }
    if b.count <= 8 {
        var v: Int64 = b[0] & 0x80 != 0 ? -1 : 0
        for x in b { v = (v << 8) | Int64(x) }
        return Double(v)
    }
    // Longer values: the magnitude (two's complement undone byte by byte), then the sign, so a
    // negative value does not cancel against 2^(8·count) in floating point.
    let negative = b[0] & 0x80 != 0
    var carry = negative ? 1 : 0
    var magnitude = [UInt8](repeating: 0, count: b.count)
    for i in stride(from: b.count - 1, through: 0, by: -1) {
        let x = negative ? Int(~b[i]) + carry : Int(b[i])
        magnitude[i] = UInt8(x & 0xff)
        carry = x >> 8
    }
    var v = 0.0
    for x in magnitude { v = v * 256 + Double(x) }
    return negative ? -v : v
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// Lowercase hex of the bytes (FIXED_LEN_BYTE_ARRAY and fixed_size_binary as text).
func hexText(_ b: UnsafeBufferPointer<UInt8>) -> String {
    var s = [UInt8]()
    s.reserveCapacity(b.count * 2)
    for x in b { s.append(hexDigits[Int(x >> 4)]); s.append(hexDigits[Int(x & 15)]) }
    return String(decoding: s, as: UTF8.self)
}

private func uuidText(_ b: UnsafeBufferPointer<UInt8>) -> String {
    var s = [UInt8]()
    for (i, x) in b.enumerated() {
        if i == 4 || i == 6 || i == 8 || i == 10 { s.append(UInt8(ascii: "-")) }
        s.append(hexDigits[Int(x >> 4)]); s.append(hexDigits[Int(x & 15)])
    }
    return String(decoding: s, as: UTF8.self)
}
