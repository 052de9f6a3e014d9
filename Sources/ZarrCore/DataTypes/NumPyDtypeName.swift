/// The spellings of a NumPy dtype that numcodecs accepts in a codec configuration (`"dtype"` of
/// delta, fixedscaleoffset, quantize, categorize, vlen-array; `encode_dtype`/`decode_dtype` of
/// astype), in v2 filters and in v3 `numcodecs.*` codecs alike (NC-08…NC-17). numcodecs passes
/// the string to `np.dtype(...)` and writes back `dtype.str`; this gives that `dtype.str`.
///
/// Accepted, as NumPy 2 accepts them:
/// - names: `int32`, `uint8`, `float64`, `bool`, `complex64`, `half`, `double`, `intc`, `object`…
///   (no byte-order prefix: NumPy refuses `<int32`);
/// - `datetime64[ns]`, `timedelta64[10s]`, with or without a byte-order prefix;
/// - typestrs with or without a byte order: `<i4`, `i4`, `|u1`, `=f8`, `>c16`, `S5`, `U3`, `M8[us]`;
/// - one-character codes: `?`, `b`, `B`, `h`, `H`, `i`, `I`, `l`, `L`, `q`, `Q`, `e`, `f`, `d`…
///
/// `=` and `|` on a multi-byte type mean native order, which is little-endian here (V2-39).
/// Platform-sized names follow LP64 Linux, where the pinned peers run: `int`, `long`, `l`,
/// `intp`, `p` are int64. `longdouble` and friends map to `<f16`/`<c32`, which `V2DataType`
/// then refuses as non-portable.
public enum NumPyDtypeName {
    /// The canonical typestr (`dtype.str`) for a spelling, or nil when NumPy would not accept it.
    public static func typestr(_ spelling: String) -> String? {
        var body = Substring(spelling)
        var order: Character?
        if let first = body.first, "<>|=".contains(first) {
            order = first
            body = body.dropFirst()
        }
        if let named = names[String(body)] {
            guard order == nil else { return nil }  // NumPy refuses "<int32"
            return named
        }
        for (prefix, kind) in [("datetime64", "M8"), ("timedelta64", "m8")] where body.hasPrefix(prefix) {
            let unit = body.dropFirst(prefix.count)
            guard unit.hasPrefix("[") else { return nil }
            return ordered(kind + unit, size: 8, order: order)
        }
        guard let code = body.first else { return nil }
        let rest = body.dropFirst()
        if rest.isEmpty, let (kind, size) = codes[code] {
            if kind == "O" { return "|O" }
            return ordered(kind + String(size ?? 0), size: size ?? (kind == "U" ? 4 : 0), order: order)
        }
        return sized(code, rest, order: order)
    }

    /// Kind letter plus a size: `i4`, `S10`, `M8[ns]`, `O8`.
    static func sized(_ code: Character, _ rest: Substring, order: Character?) -> String? {
        switch code {
        case "M", "m":
            let unit = rest.dropFirst()
            guard rest.hasPrefix("8"), unit.isEmpty || unit.hasPrefix("[") else { return nil }
            return ordered("\(code)8" + unit, size: 8, order: order)
        case "O":
            return rest == "4" || rest == "8" ? "|O" : nil
        default: break
        }
        guard rest.allSatisfy({ $0.isASCII && $0.isNumber }), let size = Int(rest) else { return nil }
        let allowed: [Character: Set<Int>] = ["b": [1], "i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "f": [2, 4, 8, 16], "c": [8, 16, 32]]
        switch code {
        case "S", "a": return "|S\(size)"
        case "V": return "|V\(size)"
        case "U": return ordered("U\(size)", size: 4, order: order)
        default:
            guard allowed[code]?.contains(size) == true else { return nil }
            return ordered("\(code)\(size)", size: code == "c" ? size / 2 : size, order: order)
        }
    }

    /// Prefixes the byte order NumPy gives: `|` for one-byte and byte-string kinds, `>` only when
    /// asked for, `<` (native here) otherwise.
    static func ordered(_ body: String, size: Int, order: Character?) -> String {
        if size <= 1 || body.hasPrefix("S") || body.hasPrefix("V") || body.hasPrefix("b") { return "|" + body }
        if body == "O" { return "|O" }
        return (order == ">" ? ">" : "<") + body
    }

    /// One-character type codes: kind and size (nil: unsized, as `S` alone is `|S0`).
    static let codes: [Character: (String, Int?)] = [
        "?": ("b", 1), "b": ("i", 1), "B": ("u", 1), "h": ("i", 2), "H": ("u", 2), "i": ("i", 4), "I": ("u", 4),
        "l": ("i", 8), "L": ("u", 8), "q": ("i", 8), "Q": ("u", 8), "p": ("i", 8), "P": ("u", 8),
        "e": ("f", 2), "f": ("f", 4), "d": ("f", 8), "g": ("f", 16), "F": ("c", 8), "D": ("c", 16), "G": ("c", 32),
        "S": ("S", nil), "a": ("S", nil), "U": ("U", nil), "V": ("V", nil), "c": ("S", 1), "O": ("O", nil),
        "M": ("M", 8), "m": ("m", 8),
    ]

    /// NumPy's scalar type names (`np.sctypeDict`, NumPy 2.2) and their `dtype.str` on LP64.
    static let names: [String: String] = [
        "bool": "|b1", "bool_": "|b1",
        "int8": "|i1", "byte": "|i1", "uint8": "|u1", "ubyte": "|u1",
        "int16": "<i2", "short": "<i2", "uint16": "<u2", "ushort": "<u2",
        "int32": "<i4", "intc": "<i4", "uint32": "<u4", "uintc": "<u4",
        "int64": "<i8", "int": "<i8", "int_": "<i8", "intp": "<i8", "long": "<i8", "longlong": "<i8",
        "uint64": "<u8", "uint": "<u8", "uintp": "<u8", "ulong": "<u8", "ulonglong": "<u8",
        "float16": "<f2", "half": "<f2", "float32": "<f4", "single": "<f4", "float64": "<f8", "double": "<f8", "float": "<f8",
        "float128": "<f16", "longdouble": "<f16",
        "complex64": "<c8", "csingle": "<c8", "complex128": "<c16", "cdouble": "<c16", "complex": "<c16",
        "complex256": "<c32", "clongdouble": "<c32",
        "bytes": "|S0", "bytes_": "|S0", "str": "<U0", "str_": "<U0", "unicode": "<U0", "void": "|V0",
        "object": "|O", "object_": "|O", "datetime64": "<M8", "timedelta64": "<m8",
    ]
}

extension V2DataType {
    /// A dtype as a numcodecs configuration gives it: any spelling `NumPyDtypeName` accepts, or a
    /// structured list. Kept as numcodecs writes it back (`dtype.str`).
    public static func parseNumcodecs(_ json: JSON) throws -> V2DataType {
        guard let spelling = json.stringValue else { return try parse(json) }
        guard let typestr = NumPyDtypeName.typestr(spelling) else {
            throw ZarrError.metadata("'\(spelling)' is not a NumPy dtype (a name such as int32 or a typestr such as <i4)", field: "dtype")
        }
        return try parse(.string(typestr))
    }
}
