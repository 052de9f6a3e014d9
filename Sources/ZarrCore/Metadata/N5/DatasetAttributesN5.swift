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
            guard let items = o[key]?.arrayValue else { throw ZarrError.metadata("required member '\(key)' is missing (N5-04)", field: key, problem: .missingMember) }
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
            throw ZarrError(.unsupported, "'\(key)' datasets are newer than N5 4.0 (N5-23)", field: key, problem: .newerVersion)
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

    /// The compression in codec terms (N5-06, N5-07, N5-09…N5-11), with N5's defaults; nil for raw.
    public var compressionCodecSpec: ExtensionObject? {
        get throws {
            let c = CodecConfiguration(codec: compression["type"]?.stringValue ?? "raw", object: compression)
            func spec(_ name: String, _ members: [(String, JSON)]) -> ExtensionObject { ExtensionObject(name: name, configuration: JSONObject(members)) }
            func level(_ l: Int) -> JSON { .int(l == -1 ? 6 : l) }  // -1: zlib's default, 6
            return try withField("compression") {
                switch c.codec {
                case "raw": return nil
                case "gzip":
                    let l = level(try c.int("level", default: -1))
                    return try c.bool("useZlib", default: false) ? spec("numcodecs.zlib", [("level", l)]) : spec("gzip", [("level", l)])
                case "bzip2": return spec("numcodecs.bz2", [("level", .int(try c.int("blockSize", default: 9)))])
                case "xz": return spec("numcodecs.lzma", [("format", 1), ("preset", .int(try c.int("preset", default: 6)))])
                case "lz4": return spec("n5.lz4", [("blockSize", .int(try c.int("blockSize", default: 65536)))])
                case "zstd": return spec("zstd", [("level", .int(try c.int("level", default: 3))), ("checksum", false)])
                case "blosc":
                    guard let shuffle = BloscCodec.shuffles.first(where: { $0.value == (try? c.int("shuffle", default: 1)) })?.key else {
                        throw c.fail("shuffle", "must be 0, 1 or 2")
                    }
                    return spec("blosc", [("cname", .string(try c.string("cname", default: "blosclz"))), ("clevel", .int(try c.int("clevel", default: 6))),
                                          ("shuffle", .string(shuffle)), ("typesize", .int(Self.dataTypes[dataType]?.itemSize ?? 1)),
                                          ("blocksize", .int(try c.int("blocksize", default: 0)))])
                default: throw ZarrError(.unsupported, "N5 compression '\(c.codec)' is not supported", field: "compression")
                }
            }
        }
    }

    /// The compression as a bytes→bytes codec; nil for raw.
    public func compressionCodec(registry: CodecRegistry = .standard) throws -> (any BytesToBytesCodec)? {
        guard let spec = try compressionCodecSpec else { return nil }
        let context = CodecContext(dataType: Self.dataTypes[dataType] ?? .uint(bits: 8), itemSize: Self.dataTypes[dataType]?.itemSize ?? 1)
        return try withField("compression") {
            guard case .bytesToBytes(let codec) = try registry.require(spec, context: context, label: compression["type"]?.stringValue) else {
                throw ZarrError(.unsupported, "N5 compression must be a bytes→bytes codec", field: "compression")
            }
            return codec
        }
    }

    /// N5-03: the root's version; a missing root file or version is 0.0.0; majors above 4 are refused.
    static func checkVersion(store: any ReadableStore) throws {
        guard let root = try store.getJSON(MetadataKey.n5Attributes), let version = root["n5"]?.stringValue else { return }
        guard let major = Int(version.split(separator: ".").first ?? "") else { return }  // malformed reads as 0.0.0, like Java
        guard major <= 4 else { throw ZarrError(.unsupported, "N5 version \(version) is newer than 4.x (N5-03)", key: MetadataKey.n5Attributes, field: "n5", problem: .newerVersion) }
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

    static let definition = CodecDefinition("n5.lz4", inV3: false) { c, _, _ in .bytesToBytes(N5LZ4Codec(blockSize: try c.int("blockSize", default: 65536))) }
}
