/// N5 (section 5 of the checklist): a dataset's `attributes.json` (N5-04…N5-08) and the root's
/// version (N5-03).
public struct DatasetAttributesN5: Equatable, Sendable {
    /// In N5 order (the first varies fastest on disk).
    public var dimensions: [Int]
    public var blockSize: [Int]
    public var dataType: String
    /// The `compression` object (legacy `compressionType` is turned into one).
    public var compression: JSONObject
    /// Every other member: user attributes, kept on write (N5-22).
    public var userAttributes: JSONObject

    public static let dataTypes: [String: DataType] = [
        "uint8": .uint(bits: 8), "uint16": .uint(bits: 16), "uint32": .uint(bits: 32), "uint64": .uint(bits: 64),
        "int8": .int(bits: 8), "int16": .int(bits: 16), "int32": .int(bits: 32), "int64": .int(bits: 64),
        "float32": .float(bits: 32), "float64": .float(bits: 64),
    ]
    static let datasetKeys: Set<String> = ["dimensions", "blockSize", "dataType", "compression", "compressionType"]

    public init(dimensions: [Int], blockSize: [Int], dataType: String, compression: JSONObject = JSONObject([("type", "raw")]),
                userAttributes: JSONObject = JSONObject()) {
        self.dimensions = dimensions
        self.blockSize = blockSize
        self.dataType = dataType
        self.compression = compression
        self.userAttributes = userAttributes
    }

    /// Whether an attributes document describes a dataset rather than a group.
    static func isDataset(_ json: JSON) -> Bool { json["dimensions"] != nil && json["dataType"] != nil }

    public static func parse(_ json: JSON) throws -> DatasetAttributesN5 {
        guard let o = json.objectValue else { throw ZarrError.metadata("attributes.json must be a JSON object") }
        func ints(_ key: String, min: Int) throws -> [Int] {
            guard let items = o[key]?.arrayValue else { throw ZarrError.metadata("required member '\(key)' is missing (N5-04)", field: key) }
            return try items.map {
                guard let v = $0.intValue, v >= min else { throw ZarrError.metadata("\(key) must hold integers ≥ \(min) (N5-04)", field: key) }
                return v
            }
        }
        let dimensions = try ints("dimensions", min: 0)
        let blockSize = try ints("blockSize", min: 1)
        guard dimensions.count == blockSize.count else {
            throw ZarrError.metadata("blockSize has \(blockSize.count) entries, dimensions has \(dimensions.count) (N5-04)", field: "blockSize")
        }
        _ = try Checked.product(dimensions, "dataset element count")
        guard let dataType = o["dataType"]?.stringValue else { throw ZarrError.metadata("dataType must be a string (N5-05)", field: "dataType") }
        guard dataTypes[dataType] != nil || dataType == "object" || dataType == "string" else {
            throw ZarrError.metadata("unknown dataType '\(dataType)' (N5-05)", field: "dataType")
        }
        var compression: JSONObject
        if let c = o["compression"] {
            guard let obj = c.objectValue, obj["type"]?.stringValue != nil else { throw ZarrError.metadata("compression must be an object with a type (N5-06)", field: "compression") }
            compression = obj
        } else if let legacy = o["compressionType"]?.stringValue {
            compression = JSONObject([("type", .string(legacy))])  // N5-08: defaults apply
        } else {
            compression = JSONObject([("type", "raw")])
        }
        var user = JSONObject()
        for (k, v) in o where !datasetKeys.contains(k) { user[k] = v }
        for key in ["shardSize", "codecs"] where o[key] != nil {
            throw ZarrError(.unsupported, "'\(key)' datasets are newer than N5 4.0 (N5-23)", field: key)
        }
        return DatasetAttributesN5(dimensions: dimensions, blockSize: blockSize, dataType: dataType, compression: compression, userAttributes: user)
    }

    public var json: JSON {
        var o = userAttributes
        o["dimensions"] = .array(dimensions.map { .int($0) })
        o["blockSize"] = .array(blockSize.map { .int($0) })
        o["dataType"] = .string(dataType)
        o["compression"] = .object(compression)
        return .object(o)
    }

    /// The compression as a bytes→bytes codec (N5-06, N5-07, N5-09…N5-11); nil for raw.
    public func compressionCodec() throws -> (any BytesToBytesCodec)? {
        let c = CodecConfiguration(codec: compression["type"]?.stringValue ?? "raw", object: compression)
        switch c.codec {
        case "raw": return nil
        case "gzip":
            let level = try c.int("level", default: -1)
            return try c.bool("useZlib", default: false) ? try ZlibCodec(level: level) : try GzipCodec(level: level)
        case "bzip2": return try Bz2Codec(level: try c.int("blockSize", default: 9))
        case "xz":
            return try LZMACodec(CodecConfiguration(codec: "xz", object: JSONObject([("format", 1), ("preset", .int(try c.int("preset", default: 6)))])))
        case "lz4": return N5LZ4Codec(blockSize: try c.int("blockSize", default: 65536))
        case "zstd": return ZstdCodec(level: try c.int("level", default: 3), checksum: false)
        case "blosc":
            return try BloscCodec(cname: try c.string("cname", default: "blosclz"), clevel: try c.int("clevel", default: 6),
                                  shuffle: try c.int("shuffle", default: 1), blocksize: try c.int("blocksize", default: 0),
                                  typesize: DatasetAttributesN5.dataTypes[dataType]?.itemSize ?? 1)
        default: throw ZarrError(.unsupported, "N5 compression '\(c.codec)' is not supported", field: "compression")
        }
    }

    /// N5-03: the root's version; a missing root file or version is 0.0.0; majors above 4 are refused.
    static func checkVersion(store: any ReadableStore) throws {
        guard let root = try store.getJSON("attributes.json"), let version = root["n5"]?.stringValue else { return }
        guard let major = Int(version.split(separator: ".").first ?? "") else { return }  // malformed reads as 0.0.0, like Java
        guard major <= 4 else { throw ZarrError(.unsupported, "N5 version \(version) is newer than 4.x (N5-03)", key: "attributes.json", field: "n5") }
    }
}

/// N5 `lz4` (N5-10): LZ4Block framing, not numcodecs' lz4.
public struct N5LZ4Codec: BytesToBytesCodec {
    public var blockSize: Int
    public var name: String { "n5.lz4" }
    public var v2Configuration: JSON { .null }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try LZ4Block.compress(bytes, blockSize: blockSize) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try LZ4Block.decompress(bytes, expectedSize: expectedSize, limit: limit)
    }
}
