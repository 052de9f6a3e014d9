/// What an array's metadata says, whatever the format: one pipeline reads v2, v3 and N5.
public enum ArrayMetadata: Equatable, Sendable {
    case v2(ArrayMetadataV2)

    public var format: String {
        switch self {
        case .v2: return "v2"
        }
    }

    public var shape: [Int] {
        switch self {
        case .v2(let m): return m.shape
        }
    }

    /// The metadata key of an array at `path`.
    static func key(format: String, path: String) -> String { NodePath.prefix(path) + ".zarray" }

    func withShape(_ shape: [Int]) -> ArrayMetadata {
        switch self {
        case .v2(var m): m.shape = shape; return .v2(m)
        }
    }

    var document: JSON {
        switch self {
        case .v2(let m): return m.json
        }
    }

    var metadataKeyName: String {
        switch self {
        case .v2: return ".zarray"
        }
    }
}

/// The format-neutral description the chunk pipeline works from.
struct ArraySpec: Sendable {
    var shape: [Int]
    var grid: RegularGrid
    var dataType: DataType
    var fillValue: FillValue
    var codecs: CodecChain
    var keyEncoding: ChunkKeyEncoding

    init(_ metadata: ArrayMetadata, registry: CodecRegistry) throws {
        switch metadata {
        case .v2(let m):
            shape = m.shape
            grid = try RegularGrid(chunkShape: m.chunks, arrayShape: m.shape)
            dataType = m.dtype.dataType
            fillValue = m.fillValue ?? .zero(for: m.dtype.dataType)
            codecs = try m.codecChain(registry: registry)
            keyEncoding = .v2(separator: m.dimensionSeparator)
        }
    }

    var chunkRepresentation: ChunkRepresentation {
        ChunkRepresentation(shape: grid.chunkShape, dataType: dataType, fillValue: fillValue)
    }
}
