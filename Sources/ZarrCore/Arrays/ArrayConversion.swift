import Foundation

/// Re-encodes an array into a format, compressor, chunk and shard shape of choice (`convert`):
/// the values, fill value and user attributes are kept; the new store is written one slab of
/// destination chunk (or shard) rows at a time, each slab's chunks encoded on every core, each
/// chunk written atomically by the store.
public struct ArrayConversion: Sendable {
    public var format: ZarrFormat
    /// The destination chunk shape (the inner chunk shape when sharded); nil keeps the source's.
    public var chunks: [Int]?
    /// v3 only: the shard shape, a multiple of `chunks` on every axis.
    public var shards: [Int]?
    public var compressor: Compressor

    public init(format: ZarrFormat, chunks: [Int]? = nil, shards: [Int]? = nil, compressor: Compressor = .zstd(level: 1)) {
        (self.format, self.chunks, self.shards, self.compressor) = (format, chunks, shards, compressor)
    }

    /// A compressor every format can name, written `none`, `zstd[:LEVEL]`, `gzip[:LEVEL]` or
    /// `blosc[:CNAME[:CLEVEL[:shuffle|noshuffle|bitshuffle]]]`.
    public enum Compressor: Sendable, Equatable {
        case none
        case zstd(level: Int)
        case gzip(level: Int)
        case blosc(cname: String, clevel: Int, shuffle: String)

        public init?(spec: String) {
            let p = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            func int(_ i: Int, _ d: Int) -> Int? { p.count > i ? Int(p[i]) : d }
            switch p[0] {
            case "none" where p.count == 1, "raw" where p.count == 1: self = .none
            case "zstd" where p.count <= 2: guard let l = int(1, 1), (-131072...22).contains(l) else { return nil }; self = .zstd(level: l)
            case "gzip" where p.count <= 2: guard let l = int(1, 6), (0...9).contains(l) else { return nil }; self = .gzip(level: l)
            case "blosc" where p.count <= 4:
                let shuffle = p.count > 3 ? p[3] : "shuffle"
                guard let l = int(2, 5), (0...9).contains(l), ["shuffle", "noshuffle", "bitshuffle"].contains(shuffle) else { return nil }
                self = .blosc(cname: p.count > 1 ? p[1] : "lz4", clevel: l, shuffle: shuffle)
            default: return nil
            }
        }

        func v3(itemSize: Int) -> [JSON] {
            switch self {
            case .none: return []
            case .zstd(let l): return [["name": "zstd", "configuration": ["level": .int(l), "checksum": false]]]
            case .gzip(let l): return [["name": "gzip", "configuration": ["level": .int(l)]]]
            case .blosc(let c, let l, let s):
                return [["name": "blosc", "configuration": ["cname": .string(c), "clevel": .int(l), "shuffle": .string(s), "typesize": .int(itemSize), "blocksize": 0]]]
            }
        }

        var v2: JSON {
            switch self {
            case .none: return .null
            case .zstd(let l): return ["id": "zstd", "level": .int(l)]
            case .gzip(let l): return ["id": "gzip", "level": .int(l)]
            case .blosc(let c, let l, let s): return ["id": "blosc", "cname": .string(c), "clevel": .int(l), "shuffle": .int(Self.shuffles[s] ?? 1), "blocksize": 0]
            }
        }

        var n5: JSONObject {
            switch self {
            case .none: return JSONObject([("type", "raw")])
            case .zstd(let l): return JSONObject([("type", "zstd"), ("level", .int(l))])
            case .gzip(let l): return JSONObject([("type", "gzip"), ("level", .int(l))])
            case .blosc(let c, let l, let s):
                return JSONObject([("type", "blosc"), ("cname", .string(c)), ("clevel", .int(l)), ("shuffle", .int(Self.shuffles[s] ?? 1)), ("blocksize", 0), ("nthreads", 1)])
            }
        }

        static let shuffles = ["noshuffle": 0, "shuffle": 1, "bitshuffle": 2]
    }

    /// The destination array's metadata for a source array.
    public func metadata(for source: ZarrArray) throws -> ArrayMetadata {
        let shape = source.shape, type = source.dataType
        let chunks = try checkedShape(self.chunks ?? source.chunkShape.map { max($0, 1) }, "chunks", rank: shape.count)
        let fail = { (why: String) in ZarrError(.invalidArgument, why, field: "convert") }
        if let shards {
            guard format == .v3 else { throw fail("shards need --format v3") }
            guard try checkedShape(shards, "shards", rank: shape.count).indices.allSatisfy({ shards[$0] % chunks[$0] == 0 }) else {
                throw fail("every shard extent must be a multiple of the chunk extent: shards \(shards), chunks \(chunks)")
            }
        }
        switch format {
        case .v3:
            let v3Type = try V3DataType.parse(V3DataType.json(for: type))
            let toBytes: JSON = type == .string ? ["name": "vlen-utf8"] : type.isVariableLength ? ["name": "vlen-bytes"] : ["name": "bytes", "configuration": ["endian": "little"]]
            let inner: [JSON] = [toBytes] + compressor.v3(itemSize: type.itemSize ?? 1)
            let codecs: [JSON] = shards == nil ? inner : [["name": "sharding_indexed", "configuration": .object(JSONObject([
                ("chunk_shape", .array(chunks.map { .int($0) })), ("codecs", .array(inner)),
                ("index_codecs", [["name": "bytes", "configuration": ["endian": "little"]], ["name": "crc32c"]]), ("index_location", "end"),
            ]))]]
            return .v3(try ArrayMetadataV3.parse(.object(JSONObject([
                ("zarr_format", 3), ("node_type", "array"), ("shape", .array(shape.map { .int($0) })), ("data_type", V3DataType.json(for: type)),
                ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": .array((shards ?? chunks).map { .int($0) })]]),
                ("chunk_key_encoding", ["name": "default"]), ("fill_value", source.fillValue.v3JSON(type: v3Type)),
                ("codecs", .array(codecs)), ("attributes", .object(try source.attributes)),
            ]))))
        case .v2:
            let variable = type.isVariableLength
            let dtype = try V2DataType.parse(variable ? "|O" : V2DataType.typestr(type))
            let filters: JSON = !variable ? .null : [["id": type == .string ? "vlen-utf8" : "vlen-bytes"]]
            let fill: JSON = variable ? .null : source.fillValue.v2JSON(dtype: dtype)
            return .v2(try ArrayMetadataV2.parse(.object(JSONObject([
                ("zarr_format", 2), ("shape", .array(shape.map { .int($0) })), ("chunks", .array(chunks.map { .int($0) })), ("dtype", dtype.json),
                ("compressor", compressor.v2), ("fill_value", fill), ("order", "C"), ("filters", filters),
            ]))))
        case .n5:
            // N5 has no fill value: a missing block reads as zero, so every block is written.
            guard let name = DatasetAttributesN5.dataTypes.first(where: { $0.value == type })?.key else {
                throw fail("N5 has no data type for \(V3DataType.json(for: type).serialized())")
            }
            return .n5(DatasetAttributesN5(dimensions: shape, blockSize: chunks, dataType: name, compression: compressor.n5, userAttributes: try source.attributes),
                       reversed: false)
        }
    }

    /// Writes `source` as a new array at `path` of `store`, returning it.
    @discardableResult
    public func convert(_ source: ZarrArray, to store: any Store, path: String) throws -> ZarrArray {
        var destination = try ZarrArray.create(store: store, path: path, metadata: try metadata(for: source))
        // v2 keeps user attributes beside the metadata, in .zattrs.
        if format == .v2, case let attributes = try source.attributes, !attributes.isEmpty { destination = try destination.setAttributes(attributes) }
        let shape = source.shape
        guard let rows = shape.first, !shape.contains(0) else {
            try destination.write(try source.read())
            return destination
        }
        // A slab is one row of destination chunks (or shards): each is encoded once, whole.
        let height = max(destination.chunkShape[0], 1)
        for top in stride(from: 0, to: rows, by: height) {
            let selection = [Slice(top, min(top + height, rows))] + shape.dropFirst().map { Slice.all($0) }
            try destination.write(try source.read(selection), selection)
        }
        return destination
    }

    func checkedShape(_ shape: [Int], _ what: String, rank: Int) throws -> [Int] {
        guard shape.count == rank, shape.allSatisfy({ $0 >= 1 }) else {
            throw ZarrError(.invalidArgument, "\(what) must give \(rank) positive extents, got \(shape)", field: "convert")
        }
        return shape
    }
}
