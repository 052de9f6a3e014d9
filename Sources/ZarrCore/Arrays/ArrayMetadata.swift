/// What an array's metadata says, whatever the format: one pipeline reads v2, v3 and N5.
public enum ArrayMetadata: Equatable, Sendable {
    case v2(ArrayMetadataV2)
    case v3(ArrayMetadataV3)
    /// An N5 dataset, seen in N5's own axis order or, `reversed`, as z5py and zarr-python 2 see it.
    case n5(DatasetAttributesN5, reversed: Bool)

    public var format: ZarrFormat {
        switch self {
        case .v2: return .v2
        case .v3: return .v3
        case .n5: return .n5
        }
    }

    public var shape: [Int] {
        switch self {
        case .v2(let m): return m.shape
        case .v3(let m): return m.shape
        case .n5(let m, let reversed): return reversed ? m.dimensions.reversed() : m.dimensions
        }
    }

    func withShape(_ shape: [Int]) throws -> ArrayMetadata {
        switch self {
        case .v2(var m): m.shape = shape; return .v2(m)
        case .v3(let m):
            return .v3(try ArrayMetadataV3(shape: shape, dataType: m.dataType, chunkGridJSON: m.chunkGridJSON, chunkKeyEncodingJSON: m.chunkKeyEncodingJSON,
                                           fillValue: m.fillValue, codecs: m.codecs, attributes: m.attributes, dimensionNames: m.dimensionNames))
        case .n5(var m, let reversed):
            m.dimensions = reversed ? shape.reversed() : shape
            return .n5(m, reversed: reversed)
        }
    }

    var document: JSON {
        switch self {
        case .v2(let m): return m.json
        case .v3(let m): return m.json
        case .n5(let m, _): return m.json
        }
    }

    var metadataKeyName: String {
        switch self {
        case .v2: return MetadataKey.zarray
        case .v3: return MetadataKey.zarrJSON
        case .n5: return MetadataKey.n5Attributes
        }
    }

    /// The data type as the format writes it.
    public var dataTypeJSON: JSON {
        switch self {
        case .v2(let m): return m.dtype.json
        case .v3(let m): return m.dataType.json
        case .n5(let m, _): return .string(m.dataType)
        }
    }

    /// One element as fill-value JSON in this format's encoding, floats at their own precision.
    func elementJSON(_ bytes: [UInt8], type: DataType) -> JSON {
        switch self {
        case .v2(let m):
            let dtype = V2DataType(dataType: type, bigEndianComponents: [], isObject: false, json: m.dtype.json)
            return FillValue(bytes: bytes).v2JSON(dtype: dtype, elementPrecision: true)
        case .v3(let m): return FillValue(bytes: bytes).v3JSON(type: m.dataType, elementPrecision: true)
        case .n5: return FillValue(bytes: bytes).scalarJSON(type: type, hexNaN: false, elementPrecision: true)
        }
    }
}

/// The format-neutral description the chunk pipeline works from.
struct ArraySpec: Sendable {
    var shape: [Int]
    var grid: ChunkGrid
    var dataType: DataType
    var fillValue: FillValue
    var codecs: CodecChain
    var keyEncoding: ChunkKeyEncoding
    /// v3 leaves chunks that are entirely fill value unwritten (zarr-python 3's default); v2 writes them.
    var skipsEmptyChunks: Bool

    init(_ metadata: ArrayMetadata, registry: CodecRegistry) throws {
        switch metadata {
        case .v2(let m):
            shape = m.shape
            grid = .regular(try RegularGrid(chunkShape: m.chunks, arrayShape: m.shape))
            dataType = m.dtype.dataType
            fillValue = m.fillValue ?? .zero(for: m.dtype.dataType)
            codecs = try m.codecChain(registry: registry)
            keyEncoding = .v2(separator: m.dimensionSeparator)
            skipsEmptyChunks = false
        case .v3(let m):
            shape = m.shape
            grid = m.chunkGrid
            dataType = m.dataType.dataType
            fillValue = m.fillValue
            codecs = try m.codecChain(registry: registry)
            keyEncoding = m.chunkKeyEncoding
            skipsEmptyChunks = true
        case .n5(let m, let reversed) where m.dataType == "object":
            // N5-20: the unit of an object dataset is its block; it reads as an array of block payloads.
            let blocks = try RegularGrid(chunkShape: m.blockSize, arrayShape: m.dimensions).gridShape(for: m.dimensions)
            shape = reversed ? blocks.reversed() : blocks
            grid = .regular(try RegularGrid(chunkShape: shape.map { _ in 1 }, arrayShape: shape))
            dataType = .bytes
            fillValue = FillValue(bytes: [])
            codecs = CodecChain(arrayToBytes: N5ObjectBlockCodec(compression: try m.compressionCodec(registry: registry)))
            keyEncoding = reversed ? .n5Reversed : .v2(separator: "/")
            skipsEmptyChunks = false
        case .n5(let m, let reversed) where m.dataType == "string":
            // N5-21: NUL-terminated UTF-8 strings in varlength blocks; a missing block reads as empty strings.
            shape = metadata.shape
            let block = reversed ? Array(m.blockSize.reversed()) : m.blockSize
            grid = .clipped(try RegularGrid(chunkShape: block, arrayShape: shape), arrayShape: shape)
            dataType = .string
            fillValue = FillValue(bytes: [])
            codecs = CodecChain(arrayToBytes: N5StringBlockCodec(compression: try m.compressionCodec(registry: registry), blockSize: block, reversed: reversed))
            keyEncoding = reversed ? .n5Reversed : .v2(separator: "/")
            skipsEmptyChunks = false
        case .n5(let m, let reversed):
            guard let type = DatasetAttributesN5.dataTypes[m.dataType] else {
                throw ZarrError(.unsupported, "N5 '\(m.dataType)' datasets are not read here", field: "dataType")
            }
            shape = metadata.shape
            let block = reversed ? Array(m.blockSize.reversed()) : m.blockSize
            grid = .clipped(try RegularGrid(chunkShape: block, arrayShape: shape), arrayShape: shape)
            dataType = type
            fillValue = .zero(for: type)  // N5-13: missing blocks read as 0
            codecs = CodecChain(arrayToBytes: N5BlockCodec(compression: try m.compressionCodec(registry: registry), blockSize: block, reversed: reversed))
            keyEncoding = reversed ? .n5Reversed : .v2(separator: "/")  // N5-12
            skipsEmptyChunks = false
            try ArrayMetadataV2.checkChunkSize(block, type)
        }
        if case .regular(let g) = grid {
            uniformMaxStoredSize = codecs.maxStoredSize(ChunkRepresentation(shape: g.chunkShape, dataType: dataType, fillValue: fillValue))
        }
    }

    /// The bound on every stored chunk when all chunks have one shape, computed once.
    private var uniformMaxStoredSize: Int?

    func representation(_ indices: [Int]) -> ChunkRepresentation {
        ChunkRepresentation(shape: grid.chunkShape(indices), dataType: dataType, fillValue: fillValue)
    }

    /// The most bytes the stored chunk at `indices` may take (see `CodecChain.maxStoredSize`).
    func maxStoredSize(_ rep: ChunkRepresentation) -> Int { uniformMaxStoredSize ?? codecs.maxStoredSize(rep) }

    /// The array→bytes codec, when it decodes parts of a stored value and nothing comes before
    /// or after it (sharding, SH-14).
    var partialDecoder: (any PartialDecodingCodec)? {
        guard codecs.arrayToArray.isEmpty, codecs.bytesToBytes.isEmpty else { return nil }
        return codecs.arrayToBytes as? any PartialDecodingCodec
    }
}
