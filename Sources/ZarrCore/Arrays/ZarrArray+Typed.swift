/// A Swift scalar that is one Zarr data type's element.
public protocol ZarrScalar: Sendable {
    static var zarrDataType: DataType { get }
}

extension Int8: ZarrScalar { public static var zarrDataType: DataType { .int(bits: 8) } }
extension Int16: ZarrScalar { public static var zarrDataType: DataType { .int(bits: 16) } }
extension Int32: ZarrScalar { public static var zarrDataType: DataType { .int(bits: 32) } }
extension Int64: ZarrScalar { public static var zarrDataType: DataType { .int(bits: 64) } }
extension UInt8: ZarrScalar { public static var zarrDataType: DataType { .uint(bits: 8) } }
extension UInt16: ZarrScalar { public static var zarrDataType: DataType { .uint(bits: 16) } }
extension UInt32: ZarrScalar { public static var zarrDataType: DataType { .uint(bits: 32) } }
extension UInt64: ZarrScalar { public static var zarrDataType: DataType { .uint(bits: 64) } }
extension Float: ZarrScalar { public static var zarrDataType: DataType { .float(bits: 32) } }
extension Double: ZarrScalar { public static var zarrDataType: DataType { .float(bits: 64) } }
extension Bool: ZarrScalar { public static var zarrDataType: DataType { .bool } }

/// Values with a shape, in C order (the last index varies fastest).
public struct ShapedArray<Element: ZarrScalar>: Equatable, Sendable where Element: Equatable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), try Checked.product(shape, "shape") == values.count else {
            throw ZarrError(.invalidArgument, "\(values.count) values do not fill the shape \(shape)")
        }
        self.shape = shape
        self.values = values
    }

    /// The element at one index per axis.
    public subscript(_ index: Int...) -> Element {
        var flat = 0
        for (i, n) in zip(index, shape) { flat = flat * n + i }
        return values[flat]
    }
}

extension ZarrArray {
    /// Reads a selection (nil: the whole array) as Swift values of the array's own type.
    ///
    /// ```swift
    /// let block = try array.read(as: Float.self, [Slice(0, 10), Slice(0, 10)])
    /// print(block[3, 4])
    /// ```
    public func read<T: ZarrScalar & Equatable>(as type: T.Type, _ selection: [Slice]? = nil) throws -> ShapedArray<T> {
        try checkType(T.self)
        let shape = try Selection.resolve(selection, shape: self.shape).map(\.count)
        let bytes = try read(selection).fixedBytes("read")
        let values = [T](unsafeUninitializedCapacity: bytes.count / MemoryLayout<T>.stride) { buffer, count in
            count = buffer.count
            // Canonical bytes are little-endian, as Swift's numbers are on every supported host; bools are 0/1 bytes, as Bool is.
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
        }
        return try ShapedArray(shape: shape, values: values)
    }

    /// Writes values of the array's own type into a selection (nil: the whole array).
    public func write<T: ZarrScalar & Equatable>(_ values: ShapedArray<T>, _ selection: [Slice]? = nil) throws {
        try checkType(T.self)
        let shape = try Selection.resolve(selection, shape: self.shape).map(\.count)
        guard shape == values.shape else { throw ZarrError(.invalidArgument, "values of shape \(values.shape) for a selection of shape \(shape)") }
        try write(.fixed(values.values.withUnsafeBytes { Array($0) }), selection)
    }

    private func checkType<T: ZarrScalar>(_: T.Type) throws {
        guard dataType == T.zarrDataType else {
            throw ZarrError(.invalidArgument, "the array holds \(dataType), not \(T.self)", key: metadataKey)
        }
    }

    /// Creates a v3 array with the usual choices spelled out: a regular grid, the default key
    /// encoding, little-endian `bytes` and the given compressors (V3-06).
    ///
    /// ```swift
    /// let array = try ZarrArray.create(store: store, path: "t2m", shape: [721, 1440], chunks: [180, 360],
    ///                                  dataType: "float32", compressors: [["name": "zstd", "configuration": ["level": 3]]],
    ///                                  attributes: ["units": "K"])
    /// ```
    @discardableResult
    public static func create(store: any Store, path: String, shape: [Int], chunks: [Int], dataType: String, fillValue: JSON = 0,
                              compressors: [JSON] = [], attributes: JSONObject = JSONObject()) throws -> ZarrArray {
        let document: JSON = .object(JSONObject([
            ("zarr_format", 3), ("node_type", "array"), ("shape", .array(shape.map { .int($0) })), ("data_type", .string(dataType)),
            ("chunk_grid", ["name": "regular", "configuration": ["chunk_shape": .array(chunks.map { .int($0) })]]),
            ("chunk_key_encoding", ["name": "default"]), ("fill_value", fillValue),
            ("codecs", .array([["name": "bytes", "configuration": ["endian": "little"]]] + compressors)), ("attributes", .object(attributes)),
        ]))
        return try create(store: store, path: path, metadata: .v3(try withKey(NodePath.prefix(path) + MetadataKey.zarrJSON) { try ArrayMetadataV3.parse(document) }))
    }

    /// Replaces the array's user attributes where its format keeps them: `.zattrs` (v2), the
    /// `attributes` member of `zarr.json` (v3), or the non-dataset members of `attributes.json` (N5).
    /// Returns the array as reopened with them.
    @discardableResult
    public func setAttributes(_ attributes: JSONObject) throws -> ZarrArray {
        let store = try writable()
        var metadata = self.metadata
        switch metadata {
        case .v2:
            try store.set(NodePath.prefix(path) + MetadataKey.zattrs, JSON.object(attributes).bytes())
            return self
        case .v3(var m):
            m.attributes = attributes
            metadata = .v3(m)
        case .n5(var m, let reversed):
            m.userAttributes = attributes
            metadata = .n5(m, reversed: reversed)
        }
        try store.set(metadataKey, metadata.document.bytes())
        return try ZarrArray(store: store, path: path, metadata: metadata, registry: registry)
    }
}

extension ZarrGroup {
    /// Replaces the group's user attributes: `.zattrs` (v2), `zarr.json`'s `attributes` (v3) or
    /// the members of `attributes.json` (N5, keeping its `n5` version).
    public func setAttributes(_ attributes: JSONObject) throws {
        guard let store = store as? any Store else { throw ZarrError(.invalidArgument, "the store is read-only") }
        let prefix = NodePath.prefix(path)
        switch format {
        case .v2: try store.set(prefix + MetadataKey.zattrs, JSON.object(attributes).bytes())
        case .v3:
            let meta = GroupMetadataV3(attributes: attributes, consolidated: metadataV3?.consolidated)
            try store.set(prefix + MetadataKey.zarrJSON, meta.json.bytes(indent: 2, sortKeys: false))
        case .n5:
            var o = attributes
            if let version = try store.getJSON(prefix + MetadataKey.n5Attributes)?["n5"] { o["n5"] = version }
            try store.set(prefix + MetadataKey.n5Attributes, JSON.object(o).bytes())
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements) }
}
