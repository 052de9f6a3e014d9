/// A Zarr v2 `dtype` (NumPy typestr or structured list, V2-30…V2-39): the logical type and
/// which of its scalar components are stored big-endian.
public struct V2DataType: Equatable, Sendable {
    public var dataType: DataType
    /// Components stored big-endian; empty for all-little-endian or single-byte types.
    public var bigEndianComponents: [ByteComponent]
    /// True for `|O`: the element type comes from the object codec (V2-38).
    public var isObject: Bool
    /// The dtype exactly as written, re-emitted on write.
    public var json: JSON

    /// Byte-swap tables longer than this are refused rather than built (untrusted metadata).
    static let maxComponents = 1 << 20

    public static func parse(_ json: JSON) throws -> V2DataType {
        switch json {
        case .string(let s):
            if s == "|O" { return V2DataType(dataType: .bytes, bigEndianComponents: [], isObject: true, json: json) }
            let (type, big) = try parseTypestr(s)
            if big, case .fixedUnicode(let n) = type, n > maxComponents {
                throw ZarrError(.unsupported, "dtype '\(s)' has more than \(maxComponents) big-endian units", field: "dtype")
            }
            return V2DataType(dataType: type, bigEndianComponents: big ? type.scalarComponents : [], isObject: false, json: json)
        case .array(let items):
            var fields: [StructField] = []
            var big: [ByteComponent] = []
            var offset = 0
            var names = Set<String>()
            for item in items {
                guard let parts = item.arrayValue, parts.count == 2 || parts.count == 3,
                      let name = parts[0].stringValue
                else { throw ZarrError.metadata("structured dtype entries are [name, dtype] or [name, dtype, shape]", field: "dtype") }
                if !name.isEmpty, !names.insert(name).inserted {
                    throw ZarrError.metadata("duplicate structured field '\(name)'", field: "dtype")
                }
                let inner = try parse(parts[1])
                if inner.isObject { throw ZarrError.metadata("object fields are not allowed in a structured dtype", field: "dtype") }
                var shape: [Int] = []
                if parts.count == 3 {
                    guard let dims = parts[2].arrayValue?.compactMap({ $0.intValue }), dims.count == parts[2].arrayValue?.count,
                          dims.allSatisfy({ $0 >= 0 })
                    else { throw ZarrError.metadata("structured field shape must be a list of non-negative integers", field: "dtype") }
                    shape = dims
                }
                let field = StructField(name: name, type: inner.dataType, shape: shape)
                let count = try Checked.product(shape, "structured field size")
                guard let size = inner.dataType.itemSize else { throw ZarrError.metadata("variable-length field", field: "dtype") }
                let added = try Checked.multiply(count, inner.bigEndianComponents.count, "structured field")
                guard big.count + added <= maxComponents else {
                    throw ZarrError(.unsupported, "structured dtype has more than \(maxComponents) big-endian scalars", field: "dtype")
                }
                // The loop runs only for big-endian fields, whose count the component limit bounds.
                for i in 0..<(inner.bigEndianComponents.isEmpty ? 0 : count) {
                    let base = try Checked.add(offset, try Checked.multiply(i, size, "field offset"), "field offset")
                    big += inner.bigEndianComponents.map { ByteComponent(offset: $0.offset + base, width: $0.width) }
                }
                offset = try Checked.add(offset, try Checked.multiply(count, size, "field size"), "structured size")
                guard offset <= CodecChain.defaultDecodeLimit else {
                    throw ZarrError(.unsupported, "structured dtype of more than \(CodecChain.defaultDecodeLimit) bytes per element (the chunk limit)", field: "dtype")
                }
                fields.append(field)
            }
            guard !fields.isEmpty else { throw ZarrError.metadata("structured dtype has no fields", field: "dtype") }
            return V2DataType(dataType: .structured(fields), bigEndianComponents: big, isObject: false, json: json)
        default:
            throw ZarrError.metadata("dtype must be a string or a list of fields", field: "dtype")
        }
    }

    /// Parses `<i4`, `>M8[10s]`, `|S5`… Returns the type and whether it is stored big-endian.
    static func parseTypestr(_ s: String) throws -> (DataType, Bool) {
        let chars = Array(s)
        guard chars.count >= 3, "<>|=".contains(chars[0]) else {
            throw ZarrError.metadata("dtype '\(s)' must start with a byte order '<', '>' or '|'", field: "dtype")
        }
        // V2-39: '=' is native order; this project runs on little-endian hosts only and reads it so.
        let big = chars[0] == ">"
        let kind = chars[1]
        var rest = String(chars[2...])
        var unit: TimeUnit?
        if kind == "M" || kind == "m" {
            guard let open = rest.firstIndex(of: "["), rest.hasSuffix("]") else {
                throw ZarrError.metadata("datetime dtype '\(s)' needs a unit such as [ns] (V2-34)", field: "dtype")
            }
            let inside = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
            rest = String(rest[..<open])
            let digits = inside.prefix { $0.isASCII && $0.isNumber }
            let name = String(inside.dropFirst(digits.count))
            guard TimeUnit.units.contains(name), name != "generic" else {
                throw ZarrError.metadata("unknown datetime unit '\(inside)' in '\(s)'", field: "dtype")
            }
            let scale = digits.isEmpty ? 1 : Int(digits) ?? 0
            guard scale >= 1 else { throw ZarrError.metadata("bad datetime multiplier in '\(s)'", field: "dtype") }
            unit = TimeUnit(unit: name, scale: scale)
        }
        guard let size = Int(rest), size >= 0, size <= Int(Int32.max) else {
            throw ZarrError.metadata("dtype '\(s)' has no valid size", field: "dtype")
        }
        let type: DataType
        switch (kind, size) {
        case ("b", 1): type = .bool
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): type = .int(bits: size * 8)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): type = .uint(bits: size * 8)
        case ("f", 2), ("f", 4), ("f", 8): type = .float(bits: size * 8)
        case ("c", 8), ("c", 16): type = .complex(bits: size * 8)
        case ("M", 8): type = .datetime64(unit!)  // unit is set above for M and m
        case ("m", 8): type = .timedelta64(unit!)
        case ("S", _): type = .fixedBytes(size)
        case ("U", _): type = .fixedUnicode(size)
        case ("V", _): type = .raw(size)
        default: throw ZarrError(.unsupported, "dtype '\(s)' is not supported (V2-39: platform types are not portable)", field: "dtype")
        }
        return (type, big)
    }

    /// The v2 typestr for a type, little-endian unless `bigEndian` (used when writing new arrays).
    public static func typestr(_ type: DataType, bigEndian: Bool = false) -> JSON {
        let order = bigEndian ? ">" : "<"
        switch type {
        case .bool: return "|b1"
        case .int(let b): return .string((b == 8 ? "|" : order) + "i\(b / 8)")
        case .uint(let b): return .string((b == 8 ? "|" : order) + "u\(b / 8)")
        case .float(let b): return .string(order + "f\(b / 8)")
        case .complex(let b): return .string(order + "c\(b / 8)")
        case .datetime64(let u): return .string(order + "M8[\(u.scale == 1 ? "" : String(u.scale))\(u.unit)]")
        case .timedelta64(let u): return .string(order + "m8[\(u.scale == 1 ? "" : String(u.scale))\(u.unit)]")
        case .fixedBytes(let n): return .string("|S\(n)")
        case .fixedUnicode(let n): return .string(order + "U\(n)")
        case .raw(let n): return .string("|V\(n)")
        case .structured(let fields):
            return .array(fields.map { f in
                var entry: [JSON] = [.string(f.name), typestr(f.type, bigEndian: bigEndian)]
                if !f.shape.isEmpty { entry.append(.array(f.shape.map { .int($0) })) }
                return .array(entry)
            })
        case .string, .bytes, .vlenArray: return "|O"
        case .bfloat16, .subByteInt, .smallFloat, .complexOf:
            // No NumPy typestr: v2 can hold these only as opaque bytes.
            return .string("|V\(type.itemSize ?? 1)")
        }
    }
}
