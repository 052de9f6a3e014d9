/// A JSON summary of a node, for `info` and reports.
public enum NodeInfo {
    public static func describe(_ node: ZarrNode) throws -> JSON {
        switch node {
        case .array(let a):
            var o = JSONObject()
            o["node_type"] = "array"
            o["format"] = .string(a.metadata.format.rawValue)
            o["path"] = .string(a.path)
            o["shape"] = .array(a.shape.map { .int($0) })
            o["chunks"] = .array(a.chunkShape.map { .int($0) })
            o["data_type"] = a.metadata.dataTypeJSON
            if case .v3(let m) = a.metadata {
                o["chunk_grid"] = m.chunkGridJSON
                o["chunk_key_encoding"] = m.chunkKeyEncodingJSON
                o["fill_value"] = m.fillValue.v3JSON(type: m.dataType)
                o["codecs"] = .array(m.codecs)
                if let names = m.dimensionNames { o["dimension_names"] = .array(names.map { $0.map { .string($0) } ?? .null }) }
            }
            if case .n5(let m, let reversed) = a.metadata {
                o["dimensions"] = .array(m.dimensions.map { .int($0) })
                o["blockSize"] = .array(m.blockSize.map { .int($0) })
                o["compression"] = .object(m.compression)
                o["axes"] = .string(reversed ? "reversed" : "native")
            }
            if case .v2(let m) = a.metadata {
                o["fill_value"] = m.fillValue?.v2JSON(dtype: m.dtype) ?? .null
                o["order"] = .string(String(m.order))
                o["dimension_separator"] = .string(String(m.dimensionSeparator))
                o["filters"] = m.filters.map { .array($0) } ?? .null
                o["compressor"] = m.compressor
            }
            o["codec_chain"] = .array(a.codecs.codecs.map { .string($0.name) })
            if let sharding = a.codecs.arrayToBytes as? ShardingCodec {
                o["shard_shape"] = .array(a.chunkShape.map { .int($0) })
                o["inner_chunk_shape"] = .array(sharding.chunkShape.map { .int($0) })
                o["inner_codecs"] = .array(sharding.inner.codecs.map { .string($0.name) })
            }
            o["attributes"] = .object(try a.attributes)
            if let storage = try storage(a) { o["storage"] = storage }
            return .object(o)
        case .group(let g):
            var o = JSONObject()
            o["node_type"] = "group"
            o["format"] = .string(g.format.rawValue)
            o["path"] = .string(g.path)
            o["members"] = .array(try g.members().map { .object(JSONObject([("name", .string($0.name)), ("node_type", .string($0.kind))])) })
            o["attributes"] = .object(try g.attributes)
            o["tree"] = .array(try tree(g).map { .string($0) })
            return .object(o)
        }
    }

    /// The data type as the array's metadata writes it.
    public static func dataTypeJSON(_ array: ZarrArray) -> JSON { array.metadata.dataTypeJSON }
}

extension ZarrArray {
    /// Each element of `data` as fill-value JSON, in C order (the `cat` convention of
    /// cross-implementation runners), in this array's format.
    public func elementsJSON(_ data: ChunkData) -> [JSON] {
        switch data {
        case .variable(let items):
            switch dataType {
            case .string: return items.map { .string(String(decoding: $0, as: UTF8.self)) }
            default: return items.map { metadata.elementJSON($0, type: .bytes) }
            }
        case .fixed(let bytes):
            guard let size = dataType.itemSize, size > 0 else { return [] }
            return stride(from: 0, to: bytes.count, by: size).map { metadata.elementJSON(Array(bytes[$0..<$0 + size]), type: dataType) }
        }
    }
}
