/// numcodecs `vlen-utf8`, `vlen-bytes` and `vlen-array` (NC-16, NC-17; v3 EX-C16): a u32 LE
/// element count, then per element a u32 LE byte length and the bytes.
public struct VLenCodec: ArrayToBytesCodec {
    public enum Kind: String, Sendable { case utf8 = "vlen-utf8", bytes = "vlen-bytes", array = "vlen-array" }
    public var kind: Kind
    /// For vlen-array: the item dtype, whose byte order applies to the stored items.
    public var itemType: V2DataType?

    public init(kind: Kind, itemType: V2DataType? = nil) {
        self.kind = kind
        self.itemType = itemType
    }

    public var name: String { kind.rawValue }
    public var v2Configuration: JSON {
        if let itemType { return JSONObject.v2(kind.rawValue, [("dtype", itemType.json)]) }
        return JSONObject.v2(kind.rawValue, [])
    }

    /// The element type this codec gives an `|O` array.
    public var elementType: DataType {
        switch kind {
        case .utf8: return .string
        case .bytes: return .bytes
        case .array: return .vlenArray(itemType?.dataType ?? .uint(bits: 8))
        }
    }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { nil }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        let items = try data.variableItems(name)
        var out = [UInt8]()
        out.reserveCapacity(4 + items.reduce(0) { $0 + 4 + $1.count })
        func u32(_ v: Int) throws {
            guard let v = UInt32(exactly: v) else { throw ZarrError(.invalidArgument, "item longer than 4 GiB", codec: name) }
            withUnsafeBytes(of: v.littleEndian) { out += $0 }
        }
        try u32(items.count)
        for item in items {
            try u32(item.count)
            if let itemType, !itemType.bigEndianComponents.isEmpty {
                var swapped = item
                ByteSwap.swap(&swapped, components: itemType.bigEndianComponents, itemSize: itemType.dataType.itemSize ?? 1)
                out += swapped
            } else {
                out += item
            }
        }
        return out
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        func u32(at i: Int) throws -> Int {
            guard i <= bytes.count - 4 else { throw ZarrError.corrupt("buffer is truncated at byte \(i)", codec: name) }
            return Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
        }
        guard bytes.count >= 4 else { throw ZarrError.corrupt("buffer shorter than its 4-byte header", codec: name) }
        let count = try u32(at: 0)
        guard count == decoded.count else {
            throw ZarrError.corrupt("holds \(count) items where the chunk has \(decoded.count)", codec: name)
        }
        var items = [[UInt8]]()
        items.reserveCapacity(count)
        var pos = 4
        let itemSize = itemType?.dataType.itemSize ?? 1
        for _ in 0..<count {
            let n = try u32(at: pos)
            pos += 4
            guard n <= bytes.count - pos else { throw ZarrError.corrupt("item of \(n) bytes runs past the end of the buffer", codec: name) }
            var item = Array(bytes[pos..<pos + n])
            pos += n
            switch kind {
            case .utf8:
                guard String(validating: item, as: UTF8.self) != nil else { throw ZarrError.corrupt("item is not valid UTF-8", codec: name) }
            case .array:
                guard n % itemSize == 0 else { throw ZarrError.corrupt("item of \(n) bytes is not whole \(itemSize)-byte elements", codec: name) }
                if let itemType { ByteSwap.swap(&item, components: itemType.bigEndianComponents, itemSize: itemSize) }
            case .bytes: break
            }
            items.append(item)
        }
        guard pos == bytes.count else { throw ZarrError.corrupt("\(bytes.count - pos) bytes left after the last item", codec: name) }
        return .variable(items)
    }
}

extension VLenCodec {
    static let definitions = [
        CodecDefinition("vlen-utf8", v2: ["vlen-utf8"]) { c, ctx, _ in
            guard ctx.dataType == .string else { throw ZarrError(.invalidMetadata, "vlen-utf8 serialises only the string type (EX-C16)", codec: c.codec) }
            return .arrayToBytes(VLenCodec(kind: .utf8))
        },
        CodecDefinition("vlen-bytes", v2: ["vlen-bytes"]) { c, ctx, _ in
            guard ctx.dataType == .bytes else { throw ZarrError(.invalidMetadata, "vlen-bytes serialises only the bytes type (EX-C16)", codec: c.codec) }
            return .arrayToBytes(VLenCodec(kind: .bytes))
        },
        CodecDefinition("numcodecs.vlen-array", v2: ["vlen-array"]) { c, _, _ in .arrayToBytes(VLenCodec(kind: .array, itemType: try c.dtype("dtype"))) },
    ]
}
