/// The compressors, each a thin codec over its library wrapper in `Compression/`.

/// `gzip` (GZ-01, NC-04): an RFC 1952 member; decode accepts several. v2 `{"id": "gzip", "level": 1}`.
public struct GzipCodec: BytesToBytesCodec {
    public var level: Int
    public init(level: Int = 1) throws {
        guard (-1...9).contains(level) else { throw ZarrError(.invalidMetadata, "level must be 0..9", codec: "gzip", field: "level") }
        self.level = level
    }
    public var name: String { "gzip" }
    public var v2Configuration: JSON { JSONObject.v2("gzip", [("level", .int(level))]) }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try Zlib.compress(bytes, level: level, container: .gzip) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try Zlib.decompress(bytes, container: .gzip, expectedSize: expectedSize, limit: limit)
    }
}

/// numcodecs `zlib` (NC-03): an RFC 1950 stream. v2 `{"id": "zlib", "level": 1}`.
public struct ZlibCodec: BytesToBytesCodec {
    public var level: Int
    public init(level: Int = 1) throws {
        guard (-1...9).contains(level) else { throw ZarrError(.invalidMetadata, "level must be -1..9", codec: "zlib", field: "level") }
        self.level = level
    }
    public var name: String { "numcodecs.zlib" }
    public var v2Configuration: JSON { JSONObject.v2("zlib", [("level", .int(level))]) }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try Zlib.compress(bytes, level: level, container: .zlib) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try Zlib.decompress(bytes, container: .zlib, expectedSize: expectedSize, limit: limit)
    }
}

/// `zstd` (NC-02, EX-C01). v2 `{"id": "zstd", "level": 1, "checksum": false}`; the `checksum`
/// member is written only when the source had it (older numcodecs configs lack it).
public struct ZstdCodec: BytesToBytesCodec {
    public var level: Int
    public var checksum: Bool
    var writesChecksumMember = true
    public init(level: Int = 1, checksum: Bool = false) {
        self.level = level
        self.checksum = checksum
    }
    init(_ config: CodecConfiguration) throws {
        self.init(level: try config.int("level"), checksum: try config.bool("checksum", default: false))
        writesChecksumMember = config.object["checksum"] != nil
    }
    public var name: String { "zstd" }
    public var v2Configuration: JSON {
        JSONObject.v2("zstd", [("level", .int(level))] + (writesChecksumMember ? [("checksum", .bool(checksum))] : []))
    }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try Zstd.compress(bytes, level: level, checksum: checksum) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try Zstd.decompress(bytes, expectedSize: expectedSize, limit: limit)
    }
}

/// `blosc` (NC-01, BC-01…BC-03). v2 `{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}`.
/// v2 shuffle -1 means bit shuffle for 1-byte items and byte shuffle otherwise; the typesize
/// is the item size of the array reaching the compressor (V2-58).
public struct BloscCodec: BytesToBytesCodec {
    public static let cnames = ["lz4", "lz4hc", "blosclz", "zstd", "snappy", "zlib"]
    public var cname: String
    public var clevel: Int
    public var shuffle: Int
    public var blocksize: Int
    public var typesize: Int

    public init(cname: String = "lz4", clevel: Int = 5, shuffle: Int = 1, blocksize: Int = 0, typesize: Int = 1) throws {
        guard Self.cnames.contains(cname) else { throw ZarrError(.invalidMetadata, "unknown cname '\(cname)'", codec: "blosc", field: "cname") }
        guard (0...9).contains(clevel) else { throw ZarrError(.invalidMetadata, "clevel must be 0..9", codec: "blosc", field: "clevel") }
        guard (-1...2).contains(shuffle) else { throw ZarrError(.invalidMetadata, "shuffle must be -1, 0, 1 or 2", codec: "blosc", field: "shuffle") }
        guard blocksize >= 0 else { throw ZarrError(.invalidMetadata, "blocksize must be >= 0", codec: "blosc", field: "blocksize") }
        self.cname = cname
        self.clevel = clevel
        self.shuffle = shuffle
        self.blocksize = blocksize
        self.typesize = typesize
    }

    public var name: String { "blosc" }
    public var v2Configuration: JSON {
        JSONObject.v2("blosc", [("cname", .string(cname)), ("clevel", .int(clevel)), ("shuffle", .int(shuffle)), ("blocksize", .int(blocksize))])
    }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] {
        let effective = shuffle == -1 ? (typesize == 1 ? 2 : 1) : shuffle
        return try Blosc.compress(bytes, cname: cname, clevel: clevel, shuffle: effective, typesize: typesize, blocksize: blocksize)
    }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try Blosc.decompress(bytes, expectedSize: expectedSize, limit: limit)
    }
}

/// numcodecs `bz2` (NC-05). v2 `{"id": "bz2", "level": 9}`.
public struct Bz2Codec: BytesToBytesCodec {
    public var level: Int
    public init(level: Int = 9) throws {
        guard (1...9).contains(level) else { throw ZarrError(.invalidMetadata, "level must be 1..9", codec: "bz2", field: "level") }
        self.level = level
    }
    public var name: String { "numcodecs.bz2" }
    public var v2Configuration: JSON { JSONObject.v2("bz2", [("level", .int(level))]) }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try Bzip2.compress(bytes, level: level) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try Bzip2.decompress(bytes, expectedSize: expectedSize, limit: limit)
    }
}

/// numcodecs `lz4` (NC-07): size-prefixed raw block. v2 `{"id": "lz4", "acceleration": 1}`.
public struct LZ4Codec: BytesToBytesCodec {
    public var acceleration: Int
    public init(acceleration: Int = 1) { self.acceleration = acceleration }
    public var name: String { "numcodecs.lz4" }
    public var v2Configuration: JSON { JSONObject.v2("lz4", [("acceleration", .int(acceleration))]) }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] { try LZ4.compress(bytes, acceleration: acceleration) }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try LZ4.decompress(bytes, expectedSize: expectedSize, limit: limit)
    }
}

/// numcodecs `lzma` (NC-06). v2 `{"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null}`.
public struct LZMACodec: BytesToBytesCodec {
    var format: LZMA.Format
    public var check: Int
    public var preset: Int?
    public var filters: JSON
    let parsedFilters: [LZMA.Filter]?

    init(_ config: CodecConfiguration) throws {
        let f = try config.int("format", default: 1)
        guard let format = LZMA.Format(rawValue: f) else { throw config.fail("format", "must be 1 (xz), 2 (alone) or 3 (raw)") }
        self.format = format
        check = try config.int("check", default: -1)
        preset = try config.optionalInt("preset")
        filters = config.object["filters"] ?? .null
        if let list = filters.arrayValue {
            parsedFilters = try list.map { item in
                let c = CodecConfiguration(codec: "lzma", object: item.objectValue ?? JSONObject())
                func u32(_ k: String) throws -> UInt32? { try c.optionalInt(k).map { UInt32(clamping: $0) } }
                guard let id = item["id"]?.uint64Value else { throw config.fail("filters", "each filter needs an integer id") }
                return LZMA.Filter(id: id, preset: try u32("preset"), dictSize: try u32("dict_size"),
                                   lc: try u32("lc"), lp: try u32("lp"), pb: try u32("pb"), dist: try u32("dist"))
            }
        } else { parsedFilters = nil }
        if format == .raw, parsedFilters == nil { throw config.fail("filters", "raw lzma (format 3) needs filters") }
    }

    public var name: String { "numcodecs.lzma" }
    public var v2Configuration: JSON {
        JSONObject.v2("lzma", [("format", .int(format.rawValue)), ("check", .int(check)),
                               ("preset", preset.map { .int($0) } ?? .null), ("filters", filters)])
    }
    public func encodedSize(ofDecoded size: Int) -> Int? { nil }
    public func encode(_ bytes: [UInt8]) throws -> [UInt8] {
        try LZMA.compress(bytes, format: format, check: check, preset: UInt32(preset ?? 6), filters: parsedFilters)
    }
    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        try LZMA.decompress(bytes, format: format, filters: parsedFilters, expectedSize: expectedSize, limit: limit)
    }
}

extension GzipCodec {
    /// v2 `gzip` reads with numcodecs' default level 1; level -1 is zlib's default, 6.
    static let definition = CodecDefinition("gzip", v2: ["gzip"], fromV2: { c, _ in
        let level = try c.int("level", default: 1)
        return JSONObject([("level", .int(level == -1 ? 6 : level))])
    }) { c, _, _ in
        let level = try c.int("level")
        guard (0...9).contains(level) else { throw c.fail("level", "must be 0…9 (GZ-01)") }
        return .bytesToBytes(try GzipCodec(level: level))
    }
}

extension ZlibCodec {
    static let definition = CodecDefinition("numcodecs.zlib", v2: ["zlib"]) { c, _, _ in .bytesToBytes(try ZlibCodec(level: try c.int("level", default: 1))) }
}

extension ZstdCodec {
    /// v2 `zstd` reads with numcodecs' default level 1; its `checksum` member is kept as written.
    static let definition = CodecDefinition("zstd", v2: ["zstd"], fromV2: { c, _ in
        var o = c.object
        o["level"] = .int(try c.int("level", default: 1))
        return o
    }) { c, _, _ in .bytesToBytes(try ZstdCodec(c)) }
}

extension BloscCodec {
    static let shuffles = ["noshuffle": 0, "shuffle": 1, "bitshuffle": 2]

    /// Other writers' names for the v2 shuffle, where numcodecs has an integer: GDAL writes
    /// "NOSHUFFLE", "BYTE" or "BIT" (its BLOSC_SHUFFLE option). Unambiguous, so read; validate
    /// warns (producer.blosc-shuffle-name). Spellings are matched without regard to case.
    static let shuffleNames = ["noshuffle": 0, "none": 0, "shuffle": 1, "byte": 1, "bitshuffle": 2, "bit": 2]

    static func v2Shuffle(_ c: CodecConfiguration) throws -> Int {
        if let name = c.object["shuffle"]?.stringValue {
            guard let value = shuffleNames[name.lowercased()] else { throw c.fail("shuffle", "must be -1, 0, 1 or 2 (or a name: NOSHUFFLE, BYTE, BIT), not '\(name)'") }
            return value
        }
        return try c.int("shuffle", default: 1)
    }

    /// v2 (numcodecs) blosc in v3 terms (V2-58): numcodecs' defaults, the shuffle by name
    /// (-1 is bit shuffle for 1-byte items, byte shuffle otherwise) and the typesize of the
    /// items reaching it.
    static let definition = CodecDefinition("blosc", v2: ["blosc"], fromV2: { c, ctx in
        let shuffle = try v2Shuffle(c)
        let effective = shuffle == -1 ? (ctx.itemSize == 1 ? 2 : 1) : shuffle
        guard let name = shuffles.first(where: { $0.value == effective })?.key else { throw c.fail("shuffle", "must be -1, 0, 1 or 2") }
        return JSONObject([("cname", .string(try c.string("cname", default: "lz4"))), ("clevel", .int(try c.int("clevel", default: 5))),
                           ("shuffle", .string(name)), ("typesize", .int(ctx.itemSize)), ("blocksize", .int(try c.int("blocksize", default: 0)))])
    }) { c, _, _ in
        let shuffle = try c.oneOf("shuffle", ["noshuffle", "shuffle", "bitshuffle"], default: "noshuffle")
        let typesize = shuffle == "noshuffle" ? try c.int("typesize", default: 1) : try c.int("typesize")  // BC-02
        guard typesize >= 1 else { throw c.fail("typesize", "must be positive (BC-01)") }
        return .bytesToBytes(try BloscCodec(cname: try c.string("cname"), clevel: try c.int("clevel"), shuffle: shuffles[shuffle] ?? 0,
                                            blocksize: try c.int("blocksize", default: 0), typesize: typesize))
    }
}

extension Bz2Codec {
    static let definition = CodecDefinition("numcodecs.bz2", v2: ["bz2"]) { c, _, _ in .bytesToBytes(try Bz2Codec(level: try c.int("level", default: 9))) }
}

extension LZ4Codec {
    static let definition = CodecDefinition("numcodecs.lz4", v2: ["lz4"]) { c, _, _ in .bytesToBytes(LZ4Codec(acceleration: try c.int("acceleration", default: 1))) }
}

extension LZMACodec {
    static let definition = CodecDefinition("numcodecs.lzma", v2: ["lzma"]) { c, _, _ in .bytesToBytes(try LZMACodec(c)) }
}
