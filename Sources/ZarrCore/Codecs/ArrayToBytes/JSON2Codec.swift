import Foundation

/// numcodecs `json2` (NC-18; v3 `numcodecs.json2`): a chunk as one JSON document, the chunk's
/// elements as nested lists in C order of its shape, then the NumPy dtype string, then the shape:
/// `[["a","b"],["c","d"],"|O",[2,2]]`; a 0-d chunk is `[item,"|O",[]]`.
/// v2 JSON: `{"id": "json2", "encoding": "utf-8", "ensure_ascii": true, "allow_nan": true,
/// "separators": [",", ":"], "indent": null, "sort_keys": true, ...}`.
///
/// Elements that are representable here: text (`|O` arrays, v3 `string`, `U`), bool, integers
/// and floats (`NaN`/`Infinity` tokens, as Python writes them with `allow_nan`). Any other JSON
/// item (null, a list where a scalar belongs, a number in a text array) is a typed error.
/// Writing gives Python's bytes for the default configuration (compact separators, ASCII
/// escapes); `indent` is not reproduced (the output is compact JSON, readable by every reader).
public struct JSON2Codec: ArrayToBytesCodec {
    public let configuration: JSONObject
    let ensureASCII: Bool
    let allowNaN: Bool
    let itemSeparator: String

    public init(_ config: CodecConfiguration, dataType: DataType) throws {
        configuration = config.object
        let encoding = try config.string("encoding", default: "utf-8").lowercased()
        guard ["utf-8", "utf8", "ascii"].contains(encoding) else { throw config.fail("encoding", "'\(encoding)' is not supported; only utf-8 and ascii") }
        ensureASCII = try config.bool("ensure_ascii", default: true)
        allowNaN = try config.bool("allow_nan", default: true)
        if config.has("separators") {
            guard let parts = config.object["separators"]?.arrayValue, parts.count == 2, let item = parts[0].stringValue else {
                throw config.fail("separators", "must be a pair of strings")
            }
            itemSeparator = item
        } else {
            itemSeparator = config.has("indent") ? ", " : ","
        }
        guard Self.supports(dataType) else {
            throw ZarrError(.unsupported, "json2 is read here for text, bool, integer and float elements, not \(V2DataType.typestr(dataType).serialized())",
                            codec: "json2", field: "dtype")
        }
    }

    static func supports(_ type: DataType) -> Bool {
        switch type {
        case .string, .bool, .int, .uint, .float, .fixedUnicode: return true
        default: return false
        }
    }

    public var name: String { "numcodecs.json2" }
    public var v2Configuration: JSON {
        var o = configuration
        o["id"] = "json2"
        return .object(o)
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }
    /// JSON text has no size bound from the shape alone.
    public func maxEncodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    // MARK: Decoding

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        let document: JSON
        do { document = try JSON.parse(bytes) } catch let e as ZarrError { throw ZarrError.corrupt("not a JSON document: \(e.message)", codec: name) }
        guard let items = document.arrayValue, items.count >= 2 else { throw corrupt("must be a JSON list ending with the dtype and the shape") }
        guard let dims = items[items.count - 1].arrayValue, dims.allSatisfy({ ($0.intValue ?? -1) >= 0 }) else {
            throw corrupt("the last item (the shape) must be a list of non-negative integers")
        }
        let shape = dims.compactMap(\.intValue)
        guard case .some(let count) = try? Checked.product(shape, "json2 shape"), count == decoded.count else {
            throw corrupt("its shape \(shape) does not hold the chunk's \(decoded.count) elements")
        }
        try checkDtype(items[items.count - 2], decoded.dataType)
        var flat: [JSON] = []
        flat.reserveCapacity(count)
        let body = Array(items.dropLast(2))
        if shape.isEmpty {
            guard body.count == 1 else { throw corrupt("a 0-d chunk holds one item, not \(body.count)") }
            flat = body
        } else {
            try flatten(body, shape[...], into: &flat)
        }
        return try elements(flat, decoded.dataType)
    }

    func corrupt(_ message: String) -> ZarrError { ZarrError.corrupt(message, codec: name) }

    /// The payload's dtype must be the chunk's (any byte order: JSON has none), or `O`/`U` for text.
    func checkDtype(_ json: JSON, _ type: DataType) throws {
        guard let spelling = json.stringValue, let typestr = NumPyDtypeName.typestr(spelling),
              let payload = try? V2DataType.parse(.string(typestr)) else {
            throw corrupt("the dtype item \(json.serialized()) is not a NumPy dtype")
        }
        switch (type, payload.dataType) {
        case (.string, .fixedUnicode), (.fixedUnicode, .fixedUnicode): return
        case (.string, _) where payload.isObject: return
        case (let a, let b) where a == b && !payload.isObject: return
        default: throw corrupt("holds dtype '\(spelling)' where the array's elements are \(V2DataType.typestr(type).serialized())")
        }
    }

    /// Nested lists, one level per axis, into C order.
    func flatten(_ list: [JSON], _ shape: ArraySlice<Int>, into out: inout [JSON]) throws {
        guard list.count == shape.first else { throw corrupt("a list of \(list.count) items where the shape \(Array(shape)) needs \(shape.first ?? 0)") }
        if shape.count == 1 { out += list; return }
        for item in list {
            guard let inner = item.arrayValue else { throw corrupt("item \(item.serialized().prefix(40)) where a list of \(shape.count - 1) axes belongs") }
            try flatten(inner, shape.dropFirst(), into: &out)
        }
    }

    func elements(_ items: [JSON], _ type: DataType) throws -> ChunkData {
        func fail(_ i: Int, _ what: String) -> ZarrError { corrupt("item \(i) (\(items[i].serialized().prefix(40))) \(what)") }
        switch type {
        case .string:
            return .variable(try items.indices.map { i in
                guard let s = items[i].stringValue else { throw fail(i, "is not a string") }
                return Array(s.utf8)
            })
        case .fixedUnicode(let n):
            var out = [UInt8]()
            out.reserveCapacity(items.count * 4 * n)
            for i in items.indices {
                guard let s = items[i].stringValue, s.unicodeScalars.count <= n else { throw fail(i, "is not a string of at most \(n) characters") }
                for u in s.unicodeScalars { withUnsafeBytes(of: u.value.littleEndian) { out += $0 } }
                out += [UInt8](repeating: 0, count: 4 * (n - s.unicodeScalars.count))
            }
            return .fixed(out)
        default:
            var out = [UInt8]()
            out.reserveCapacity(items.count * (type.itemSize ?? 1))
            for i in items.indices {
                let item: JSON = items[i].boolValue.map { .number($0 ? "1" : "0") } ?? items[i]
                guard case .number = item else { throw fail(i, "is not a number") }
                if case .bool = type, item.int64Value.map({ $0 != 0 && $0 != 1 }) ?? true { throw fail(i, "is not true or false") }
                do { out += try FillValue.parseScalar(item, type: type, lenientIntegers: true).bytes } catch { throw fail(i, "does not fit \(V2DataType.typestr(type).serialized())") }
            }
            return .fixed(out)
        }
    }

    // MARK: Encoding

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        var texts: [String] = []
        texts.reserveCapacity(decoded.count)
        switch data {
        case .variable(let items):
            for item in items { texts.append(quoted(String(decoding: item, as: UTF8.self))) }
        case .fixed(let bytes):
            guard let size = decoded.dataType.itemSize, size > 0 else { throw ZarrError(.unsupported, "needs a sized data type", codec: name) }
            for start in stride(from: 0, to: bytes.count, by: size) {
                let element = Array(bytes[start..<start + size])
                if case .fixedUnicode = decoded.dataType {
                    texts.append(quoted(FillValue(bytes: element).v2JSON(dtype: V2DataType(dataType: decoded.dataType, bigEndianComponents: [], isObject: false, json: .null)).stringValue ?? ""))
                    continue
                }
                let value = FillValue(bytes: element).scalarJSON(type: decoded.dataType, hexNaN: false)
                switch value {
                case .string(let special):  // NaN and the infinities, as Python's bare tokens
                    guard allowNaN else { throw ZarrError(.invalidArgument, "\(special) with allow_nan false", codec: name) }
                    texts.append(special)
                case .bool(let b): texts.append(b ? "true" : "false")
                default: texts.append(value.serialized())
                }
            }
        }
        let dtype = decoded.dataType.isVariableLength ? "|O" : V2DataType.typestr(decoded.dataType).stringValue ?? "|O"
        let shapeText = "[" + decoded.shape.map(String.init).joined(separator: itemSeparator) + "]"
        var body = texts[...]
        var out = "["
        if decoded.shape.isEmpty { out += texts.first ?? "null" } else { out += nested(&body, decoded.shape[...]) }
        out += itemSeparator + quoted(dtype) + itemSeparator + shapeText + "]"
        return Array(out.utf8)
    }

    /// The items of the outermost list (without its brackets), each inner axis bracketed.
    func nested(_ items: inout ArraySlice<String>, _ shape: ArraySlice<Int>) -> String {
        let n = shape.first ?? 0
        if shape.count == 1 {
            let part = items.prefix(n)
            items = items.dropFirst(n)
            return part.joined(separator: itemSeparator)
        }
        var rows: [String] = []
        for _ in 0..<n { rows.append("[" + nested(&items, shape.dropFirst()) + "]") }
        return rows.joined(separator: itemSeparator)
    }

    /// A JSON string as Python's `json` writes it.
    func quoted(_ s: String) -> String {
        var out = ""
        JSON.writeString(s, into: &out, python: true, asciiOnly: ensureASCII)
        return out
    }
}

extension JSON2Codec {
    static let definition = CodecDefinition("numcodecs.json2", v2: ["json2"]) { c, ctx, _ in .arrayToBytes(try JSON2Codec(c, dataType: ctx.dataType)) }
}
