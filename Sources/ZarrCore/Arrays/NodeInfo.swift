/// A JSON summary of a node, for `info` and reports.
public enum NodeInfo {
    public static func describe(_ node: ZarrNode) throws -> JSON {
        switch node {
        case .array(let a):
            var o = JSONObject()
            o["node_type"] = "array"
            o["format"] = .string(a.metadata.format)
            o["path"] = .string(a.path)
            o["shape"] = .array(a.shape.map { .int($0) })
            o["chunks"] = .array(a.chunkShape.map { .int($0) })
            if case .v2(let m) = a.metadata {
                o["data_type"] = m.dtype.json
                o["fill_value"] = m.fillValue?.v2JSON(dtype: m.dtype) ?? .null
                o["order"] = .string(String(m.order))
                o["dimension_separator"] = .string(String(m.dimensionSeparator))
                o["filters"] = m.filters.map { .array($0) } ?? .null
                o["compressor"] = m.compressor
            }
            o["codecs"] = .array(a.codecs.codecs.map { .string($0.name) })
            o["attributes"] = .object(try a.attributes)
            return .object(o)
        case .group(let g):
            var o = JSONObject()
            o["node_type"] = "group"
            o["format"] = "v2"
            o["path"] = .string(g.path)
            o["members"] = .array(try g.members().map { .object(JSONObject([("name", .string($0.name)), ("node_type", .string($0.kind))])) })
            o["attributes"] = .object(try g.attributes)
            return .object(o)
        }
    }

    /// The canonical data type name used in digest output: the v2 dtype as written.
    public static func dataTypeJSON(_ array: ZarrArray) -> JSON {
        switch array.metadata {
        case .v2(let m): return m.dtype.json
        }
    }
}

extension ChunkData {
    /// Each element as fill-value JSON, in C order (the `cat` convention of cross-implementation runners).
    public func elementsJSON(type: DataType) -> [JSON] {
        switch self {
        case .variable(let items):
            switch type {
            case .string: return items.map { .string(String(decoding: $0, as: UTF8.self)) }
            default: return items.map { .array($0.map { .int($0) }) }
            }
        case .fixed(let bytes):
            guard let size = type.itemSize, size > 0 else { return [] }
            let dtype = V2DataType(dataType: type, bigEndianComponents: [], isObject: false, json: V2DataType.typestr(type))
            return stride(from: 0, to: bytes.count, by: size).map { start in
                FillValue(bytes: Array(bytes[start..<start + size])).v2JSON(dtype: dtype)
            }
        }
    }
}
