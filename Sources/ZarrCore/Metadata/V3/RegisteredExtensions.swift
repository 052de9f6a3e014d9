/// The names registered in the zarr-extensions registry (4da7b37a84f7, 2026-07-14) for each
/// extension point, so an unknown name is reported as "registered, not supported here" or "not
/// registered", never as a bare parse error. `Vectors/extension-registry.json` lists the same
/// names with this implementation's status for each; a test keeps the two in step.
public enum RegisteredExtensions {
    public enum Point: String, Sendable, CaseIterable {
        case dataType = "data_type", chunkGrid = "chunk_grid", chunkKeyEncoding = "chunk_key_encoding", codec = "codecs"
        case storageTransformer = "storage_transformers"

        var noun: String {
            switch self {
            case .dataType: return "data type"
            case .chunkGrid: return "chunk grid"
            case .chunkKeyEncoding: return "chunk key encoding"
            case .codec: return "codec"
            case .storageTransformer: return "storage transformer"
            }
        }
    }

    public static let registry = "zarr-extensions 4da7b37a84f7 (2026-07-14)"

    static let floats = ["float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz",
                         "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu"]

    public static let names: [Point: Set<String>] = [
        .codec: ["bitround", "blosc", "bytes", "cast_value", "conditional", "crc32c", "gzip", "n5_default", "packbits", "reshape",
                 "scale_offset", "sharding_indexed", "transpose", "vlen-bytes", "vlen-utf8", "zfp", "zstd"],
        .dataType: Set(["bool", "int2", "int4", "int8", "int16", "int32", "int64", "uint2", "uint4", "uint8", "uint16", "uint32", "uint64",
                        "float16", "float32", "float64", "bfloat16", "complex64", "complex128", "complex_float16", "complex_float32",
                        "complex_float64", "complex_bfloat16", "r", "string", "bytes", "fixed_length_utf32", "struct", "structured",
                        "numpy.datetime64", "numpy.timedelta64"] + floats + floats.map { "complex_" + $0 }),
        .chunkGrid: ["regular", "rectilinear"],
        .chunkKeyEncoding: ["default", "v2"],
        .storageTransformer: [],
    ]

    /// Registered names this implementation does not read, and why (none today).
    public static let notSupported: [String: String] = [:]

    public static func isRegistered(_ name: String, _ point: Point) -> Bool {
        if point == .dataType, name.hasPrefix("r"), let bits = Int(name.dropFirst()), bits > 0, bits % 8 == 0 { return true }
        return names[point]?.contains(name) ?? false
    }

    /// The error for a name this implementation does not handle at `point`, saying whether the
    /// registry knows it (V3-44, V3-47).
    public static func unknown(_ name: String, _ point: Point, codec: String? = nil) -> ZarrError {
        let message: String
        if isRegistered(name, point) {
            message = "\(point.noun) '\(name)' is registered in zarr-extensions but not supported by this tool"
                + (notSupported[name].map { " (\($0))" } ?? "")
        } else {
            message = "\(point.noun) '\(name)' is not registered in zarr-extensions (\(registry)) and is unknown here"
        }
        return ZarrError(.unsupported, message, codec: codec, field: point.rawValue, problem: isRegistered(name, point) ? .general : .unregisteredExtension)
    }
}
