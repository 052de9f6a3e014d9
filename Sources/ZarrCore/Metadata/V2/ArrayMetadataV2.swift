/// `.zarray` (V2-10…V2-20): parsed, validated, and re-emitted as zarr-python writes it.
public struct ArrayMetadataV2: Equatable, Sendable {
    public var shape: [Int]
    public var chunks: [Int]
    public var dtype: V2DataType
    /// The compressor object, or null.
    public var compressor: JSON
    /// The filter objects; nil for `null` (and for `[]`, V2-16).
    public var filters: [JSON]?
    /// The parsed fill value; nil for JSON null.
    public var fillValue: FillValue?
    /// `"C"` or `"F"`.
    public var order: Character
    public var dimensionSeparator: Character
    /// Whether `dimension_separator` is written (absent means ".", V2-18).
    public var writesSeparator: Bool

    public init(shape: [Int], chunks: [Int], dtype: V2DataType, compressor: JSON = .null, filters: [JSON]? = nil,
                fillValue: FillValue? = nil, order: Character = "C", dimensionSeparator: Character = ".") {
        self.shape = shape
        self.chunks = chunks
        self.dtype = dtype
        self.compressor = compressor
        self.filters = filters
        self.fillValue = fillValue
        self.order = order
        self.dimensionSeparator = dimensionSeparator
        writesSeparator = true
    }

    public static func parse(_ json: JSON) throws -> ArrayMetadataV2 {
        guard let o = json.objectValue else { throw ZarrError.metadata(".zarray must be a JSON object") }
        for key in ["zarr_format", "shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters"] where o[key] == nil {
            throw ZarrError.metadata("required member '\(key)' is missing (V2-10)", field: key, problem: .missingMember)
        }
        guard o["zarr_format"]?.int64Value == 2 else { throw ZarrError.metadata("zarr_format must be 2 (V2-11)", field: "zarr_format") }
        func ints(_ key: String) throws -> [Int] {
            guard let items = o[key]?.arrayValue else { throw ZarrError.metadata("must be a list of integers", field: key) }
            return try items.map {
                guard let v = $0.intValue, v >= 0 else { throw ZarrError.metadata("must be non-negative integers", field: key) }
                return v
            }
        }
        let shape = try ints("shape")
        let chunks = try ints("chunks")
        guard chunks.count == shape.count else { throw ZarrError.metadata("chunks has \(chunks.count) entries, shape has \(shape.count) (V2-13)", field: "chunks") }
        _ = try Checked.product(shape, "array element count")
        var dtype = try withField("dtype") { try V2DataType.parse(o["dtype"]!) }  // presence checked above
        let compressor = o["compressor"]!
        guard compressor.isNull || compressor["id"]?.stringValue != nil else {
            throw ZarrError.metadata("compressor must be null or an object with an \"id\" (V2-15)", field: "compressor")
        }
        var filters: [JSON]?
        switch o["filters"]! {
        case .null: filters = nil
        case .array(let items):
            guard items.allSatisfy({ $0["id"]?.stringValue != nil }) else {
                throw ZarrError.metadata("every filter needs an \"id\" (V2-16)", field: "filters")
            }
            filters = items.isEmpty ? nil : items
        default: throw ZarrError.metadata("filters must be null or a list (V2-16)", field: "filters")
        }
        guard let orderString = o["order"]?.stringValue, orderString == "C" || orderString == "F" else {
            throw ZarrError.metadata("order must be \"C\" or \"F\" (V2-17)", field: "order")
        }
        var separator: Character = "."
        if let sep = o["dimension_separator"], !sep.isNull {
            guard let s = sep.stringValue, s == "." || s == "/" else {
                throw ZarrError.metadata("dimension_separator must be \".\" or \"/\" (V2-18)", field: "dimension_separator")
            }
            separator = Character(s)
        }
        if dtype.isObject { dtype.dataType = try objectType(filters: filters ?? [], compressor: compressor) }
        try ArrayMetadataV2.checkChunkSize(chunks, dtype.dataType)
        var meta = ArrayMetadataV2(shape: shape, chunks: chunks, dtype: dtype, compressor: compressor, filters: filters,
                                   fillValue: try FillValue.parseV2(o["fill_value"]!, dtype: dtype), order: Character(orderString),
                                   dimensionSeparator: separator)
        meta.writesSeparator = o["dimension_separator"] != nil
        return meta
    }

    /// A chunk must fit the decode limit: it bounds every allocation that metadata can ask for.
    static func checkChunkSize(_ chunks: [Int], _ type: DataType) throws {
        let elements = try Checked.product(chunks.map { max($0, 1) }, "chunk element count")
        let bytes = try Checked.multiply(elements, max(type.itemSize ?? 1, 1), "chunk byte size")
        guard bytes <= CodecChain.defaultDecodeLimit else {
            throw ZarrError(.unsupported, "a chunk of \(bytes) bytes exceeds the \(CodecChain.defaultDecodeLimit)-byte limit", field: "chunks")
        }
    }

    /// V2-38 / E-79: an `|O` array takes its element type from its object codec.
    static func objectType(filters: [JSON], compressor: JSON) throws -> DataType {
        for codec in filters + [compressor] {
            switch codec["id"]?.stringValue {
            case "vlen-utf8", "json2", "msgpack2", "categorize": return .string
            case "vlen-bytes": return .bytes
            case "vlen-array":
                let item = try withField("filters") { try V2DataType.parseNumcodecs(codec["dtype"] ?? .null) }
                return .vlenArray(item.dataType)
            default: continue
            }
        }
        throw ZarrError.metadata("dtype |O needs an object codec (vlen-utf8, vlen-bytes, vlen-array) among the filters (V2-38)", field: "dtype", problem: .objectCodecMissing)
    }

    public var json: JSON {
        var o = JSONObject()
        o["chunks"] = .array(chunks.map { .int($0) })
        o["compressor"] = compressor
        if writesSeparator { o["dimension_separator"] = .string(String(dimensionSeparator)) }
        o["dtype"] = dtype.json
        o["fill_value"] = fillValue?.v2JSON(dtype: dtype) ?? .null
        o["filters"] = filters.map { .array($0) } ?? .null
        o["order"] = .string(String(order))
        o["shape"] = .array(shape.map { .int($0) })
        o["zarr_format"] = 2
        return .object(o)
    }

    /// v2's filters and compressor as one codec chain (XF-03, XF-04): `order: "F"` becomes a
    /// transpose first; the dtype's byte order becomes the `bytes` codec, placed after the last
    /// filter that computes on values (whose own dtype then gives the byte order).
    public func codecChain(registry: CodecRegistry = .standard) throws -> CodecChain {
        var codecs: [AnyCodec] = []
        if order == "F", shape.count > 1 { codecs.append(.arrayToArray(TransposeCodec.fortran(rank: shape.count))) }
        var current = dtype
        var haveArrayToBytes = false
        var bytesItemSize = 1
        for config in (filters ?? []) + (compressor.isNull ? [] : [compressor]) {
            let context = CodecContext(dataType: current.dataType, itemSize: haveArrayToBytes ? bytesItemSize : (current.dataType.itemSize ?? 1))
            let codec = try withField(config == compressor ? "compressor" : "filters") {
                try registry.require(try registry.translate(v2: config, context: context), context: context, label: config["id"]?.stringValue)
            }
            switch codec {
            case .arrayToArray(let c):
                guard !haveArrayToBytes else {
                    throw ZarrError(.unsupported, "filter '\(c.name)' computes on values but comes after a bytes filter", codec: c.name, field: "filters")
                }
                if let typed = c as? V2TypedFilter { current = typed.encodedV2Type }
                codecs.append(codec)
            case .arrayToBytes(let c):
                guard !haveArrayToBytes else { throw ZarrError.metadata("two object or packing codecs in one chain", field: "filters") }
                if c is VLenCodec, !current.dataType.isVariableLength {
                    throw ZarrError(.invalidMetadata, "encodes variable-length (|O) arrays, not dtype \(dtype.json.serialized()) (V2-38)", codec: c.name, field: "filters")
                }
                haveArrayToBytes = true
                bytesItemSize = 1
                codecs.append(codec)
            case .bytesToBytes(let c):
                if !haveArrayToBytes {
                    codecs.append(.arrayToBytes(BytesCodec(bigEndianComponents: current.bigEndianComponents)))
                    haveArrayToBytes = true
                }
                // A shuffle keeps its input's item size; checksums produce plain bytes (V2-58).
                bytesItemSize = c is ShuffleCodec ? context.itemSize : 1
                codecs.append(codec)
            }
        }
        if !haveArrayToBytes { codecs.append(.arrayToBytes(BytesCodec(bigEndianComponents: current.bigEndianComponents))) }
        return try CodecChain(codecs)
    }
}

/// A numcodecs filter whose output has its own v2 dtype (`astype`), which sets the byte order
/// of the bytes that follow it.
protocol V2TypedFilter { var encodedV2Type: V2DataType { get } }
extension DeltaCodec: V2TypedFilter { var encodedV2Type: V2DataType { astype } }
extension FixedScaleOffsetCodec: V2TypedFilter { var encodedV2Type: V2DataType { astype } }
extension QuantizeCodec: V2TypedFilter { var encodedV2Type: V2DataType { astype } }
extension AsTypeCodec: V2TypedFilter { var encodedV2Type: V2DataType { encodeDtype } }
extension CategorizeCodec: V2TypedFilter { var encodedV2Type: V2DataType { astype } }

func withField<T>(_ field: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch var e as ZarrError {
        if e.field == nil { e.field = field }
        throw e
    }
}
