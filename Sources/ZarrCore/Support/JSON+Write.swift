extension JSON {
    /// Serialises the value. `indent` nil gives compact output with Python's default separators
    /// (`", "` and `": "` are *not* used: compact means `,` and `:`); an indent gives
    /// `json.dumps(indent=n)` layout as zarr-python writes metadata.
    public func serialized(indent: Int? = nil, sortKeys: Bool = false) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0, sortKeys: sortKeys)
        return out
    }

    public func bytes(indent: Int? = 4, sortKeys: Bool = true) -> [UInt8] {
        Array(serialized(indent: indent, sortKeys: sortKeys).utf8)
    }

    private func write(into out: inout String, indent: Int?, level: Int, sortKeys: Bool) {
        func newline(_ l: Int) {
            if let indent { out += "\n" + String(repeating: " ", count: indent * l) }
        }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let s): out += s
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += indent == nil ? "," : "," }
                newline(level + 1)
                item.write(into: &out, indent: indent, level: level + 1, sortKeys: sortKeys)
            }
            newline(level)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            let keys = sortKeys ? object.keys.sorted() : object.keys
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                newline(level + 1)
                JSON.writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                object[key]!.write(into: &out, indent: indent, level: level + 1, sortKeys: sortKeys)  // key from object.keys
            }
            newline(level)
            out += "}"
        }
    }

    /// A JSON string literal. `python` writes it as Python's `json` does (numcodecs' json2):
    /// `\b` and `\f` escaped, and with `asciiOnly` every character outside space…tilde as
    /// `\uXXXX` (astral ones as surrogate pairs).
    static func writeString(_ s: String, into out: inout String, python: Bool = false, asciiOnly: Bool = false) {
        func escaped(_ u: Unicode.Scalar) {
            for unit in String(u).utf16 { out += "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count) + String(unit, radix: 16) }
        }
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}" where python: out += "\\b"
            case "\u{C}" where python: out += "\\f"
            case _ where u.value < 0x20 || (asciiOnly && u.value > 0x7E): escaped(u)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
