/// Where a codec sits in a chain, for factories that need it (blosc's typesize, V2-58).
public struct CodecContext: Sendable {
    /// The decoded representation's type at this position (array→array and array→bytes codecs).
    public var dataType: DataType
    /// The item size of the array reaching a bytes→bytes codec; 1 once the data is bytes.
    public var itemSize: Int
    /// The full decoded representation at this position (v3: shape for sharding, fill for casts).
    public var representation: ChunkRepresentation?
    /// The array's type is the legacy v3 `structured` (its `bytes` codec may omit `endian`).
    public var legacyStructured = false

    public init(dataType: DataType, itemSize: Int, representation: ChunkRepresentation? = nil, legacyStructured: Bool = false) {
        self.dataType = dataType
        self.itemSize = itemSize
        self.representation = representation
        self.legacyStructured = legacyStructured
    }
}

/// Maps codec identifiers to factories. A value, not global state: callers may extend a copy.
public struct CodecRegistry: Sendable {
    public typealias Factory = @Sendable (CodecConfiguration, CodecContext) throws -> AnyCodec
    public typealias V3Factory = @Sendable (ExtensionObject, CodecContext, CodecRegistry) throws -> AnyCodec
    /// Keyed by v2 `id` (also the suffix of zarr-python's `numcodecs.<id>` v3 names, EX-U01).
    public var v2: [String: Factory]
    /// Keyed by v3 name.
    public var v3: [String: V3Factory]

    public init(v2: [String: Factory], v3: [String: V3Factory] = [:]) {
        self.v2 = v2
        self.v3 = v3
    }

    /// Ids that are known and deliberately not decoded.
    public static let refused: [String: String] = [
        "pickle": "pickle can execute arbitrary code and is never decoded (NC-25)",
    ]

    public func makeV2(_ json: JSON, context: CodecContext) throws -> AnyCodec {
        guard let object = json.objectValue, let id = object["id"]?.stringValue else {
            throw ZarrError(.invalidMetadata, "a codec must be an object with a string \"id\" (V2-15)")
        }
        if let why = Self.refused[id] { throw ZarrError(.unsupported, why, codec: id) }
        guard let factory = v2[id] else { throw ZarrError(.unsupported, "unknown codec id '\(id)' (NC-26)", codec: id) }
        do { return try factory(CodecConfiguration(codec: id, object: object), context) } catch let e as ZarrError { throw e.inCodec(id) }
    }

    public static let standard = CodecRegistry(v2: v2Standard, v3: V3Codecs.factories)

    static let v2Standard: [String: Factory] = [
        "blosc": { c, ctx in
            .bytesToBytes(try BloscCodec(cname: try c.string("cname", default: "lz4"), clevel: try c.int("clevel", default: 5),
                                         shuffle: try c.int("shuffle", default: 1), blocksize: try c.int("blocksize", default: 0),
                                         typesize: ctx.itemSize))
        },
        "zstd": { c, _ in .bytesToBytes(try ZstdCodec(c)) },
        "zlib": { c, _ in .bytesToBytes(try ZlibCodec(level: try c.int("level", default: 1))) },
        "gzip": { c, _ in .bytesToBytes(try GzipCodec(level: try c.int("level", default: 1))) },
        "bz2": { c, _ in .bytesToBytes(try Bz2Codec(level: try c.int("level", default: 9))) },
        "lzma": { c, _ in .bytesToBytes(try LZMACodec(c)) },
        "lz4": { c, _ in .bytesToBytes(LZ4Codec(acceleration: try c.int("acceleration", default: 1))) },
        "shuffle": { c, _ in .bytesToBytes(ShuffleCodec(elementSize: try c.int("elementsize", default: 4))) },
        "crc32": { c, _ in .bytesToBytes(try ChecksumCodec(.crc32, c)) },
        "adler32": { c, _ in .bytesToBytes(try ChecksumCodec(.adler32, c)) },
        "crc32c": { c, _ in .bytesToBytes(try ChecksumCodec(.crc32c, c)) },
        "fletcher32": { c, _ in .bytesToBytes(try ChecksumCodec(.fletcher32, c)) },
        "jenkins_lookup3": { c, _ in .bytesToBytes(try ChecksumCodec(.jenkinsLookup3, c)) },
        "delta": { c, _ in .arrayToArray(try DeltaCodec(c)) },
        "fixedscaleoffset": { c, _ in .arrayToArray(try FixedScaleOffsetCodec(c)) },
        "quantize": { c, _ in .arrayToArray(try QuantizeCodec(c)) },
        "bitround": { c, _ in .arrayToArray(try BitRoundCodec(c)) },
        "astype": { c, _ in .arrayToArray(try AsTypeCodec(c)) },
        "categorize": { c, _ in .arrayToArray(try CategorizeCodec(c)) },
        "packbits": { _, _ in .arrayToBytes(PackBitsV2Codec()) },
        "vlen-utf8": { _, _ in .arrayToBytes(VLenCodec(kind: .utf8)) },
        "vlen-bytes": { _, _ in .arrayToBytes(VLenCodec(kind: .bytes)) },
        "vlen-array": { c, _ in .arrayToBytes(VLenCodec(kind: .array, itemType: try c.dtype("dtype"))) },
        "json2": { c, ctx in .arrayToBytes(try JSON2Codec(c, dataType: ctx.dataType)) },
        "zfpy": { c, ctx in .arrayToBytes(try ZfpyCodec(c, dataType: ctx.dataType)) },
    ]
}
