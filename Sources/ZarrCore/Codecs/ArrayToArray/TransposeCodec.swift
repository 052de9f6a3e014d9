/// `transpose` (TR-01…TR-04): permutes the axes; v2 `order: "F"` is the reversal.
/// v3 JSON: `{"name": "transpose", "configuration": {"order": [1, 0]}}`.
public struct TransposeCodec: ArrayToArrayCodec {
    public var order: [Int]

    public init(order: [Int]) throws {
        guard Set(order) == Set(0..<order.count) else {
            throw ZarrError(.invalidMetadata, "order \(order) is not a permutation of 0..<\(order.count)", codec: "transpose", field: "order")
        }
        self.order = order
    }

    /// v2 `order: "F"` for an array of the given rank.
    public static func fortran(rank: Int) -> TransposeCodec {
        // Safe: a reversed range is always a permutation.
        try! TransposeCodec(order: Array((0..<rank).reversed()))
    }

    public var name: String { "transpose" }
    public var v2Configuration: JSON { .null }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        guard decoded.shape.count == order.count else {
            throw ZarrError(.invalidMetadata, "order has \(order.count) axes, the chunk has \(decoded.shape.count)", codec: name)
        }
        var rep = decoded
        rep.shape = order.map { decoded.shape[$0] }
        return rep
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        try Self.permute(data, shape: decoded.shape, order: order, itemSize: decoded.dataType.itemSize)
    }

    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData {
        let encodedShape = order.map { decoded.shape[$0] }
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return try Self.permute(data, shape: encodedShape, order: inverse, itemSize: decoded.dataType.itemSize)
    }

    /// Output axis i is input axis order[i].
    static func permute(_ data: ChunkData, shape: [Int], order: [Int], itemSize: Int?) throws -> ChunkData {
        let rank = shape.count
        if rank < 2 || order == Array(0..<rank) { return data }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let outShape = order.map { shape[$0] }
        let strides = order.map { inStrides[$0] }
        let count = shape.reduce(1, *)
        // Source element index for each output element, in output C order.
        func forEachSource(_ body: (Int) -> Void) {
            guard count > 0 else { return }
            var index = [Int](repeating: 0, count: rank)
            var source = 0
            for _ in 0..<count {
                body(source)
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    source += strides[d]
                    if index[d] < outShape[d] { break }
                    source -= strides[d] * outShape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        switch data {
        case .fixed(let bytes):
            let size = itemSize ?? 1
            guard size > 0, !bytes.isEmpty else { return data }
            guard bytes.count == count * size else {
                throw ZarrError.corrupt("received \(bytes.count) bytes where shape \(shape) of \(size)-byte elements needs \(count * size)", codec: "transpose")
            }
            var out = [UInt8](repeating: 0, count: bytes.count)
            bytes.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    // In range: s < count and o < count by construction of the odometer. Scalars of
                    // 1, 2, 4 and 8 bytes move as one load and store (a byte copy call per element
                    // was most of the time spent reading N5 blocks).
                    func move<T>(_: T.Type) {
                        var o = 0
                        forEachSource { s in
                            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: s * size, as: T.self), toByteOffset: o * size, as: T.self)
                            o += 1
                        }
                    }
                    switch size {
                    case 1: move(UInt8.self)
                    case 2: move(UInt16.self)
                    case 4: move(UInt32.self)
                    case 8: move(UInt64.self)
                    default:
                        var o = 0
                        forEachSource { s in
                            dst.baseAddress!.advanced(by: o * size).copyMemory(from: src.baseAddress!.advanced(by: s * size), byteCount: size)
                            o += 1
                        }
                    }
                }
            }
            return .fixed(out)
        case .variable(let items):
            guard items.count == count else {
                throw ZarrError.corrupt("received \(items.count) elements where shape \(shape) needs \(count)", codec: "transpose")
            }
            var out = [[UInt8]]()
            out.reserveCapacity(items.count)
            forEachSource { out.append(items[$0]) }
            return .variable(out)
        }
    }
}

extension TransposeCodec {
    static let definition = CodecDefinition("transpose") { c, ctx, _ in
        guard let items = c.object["order"]?.arrayValue, items.allSatisfy({ $0.intValue != nil }) else {
            throw c.fail("order", "must be a list of axis indices (TR-01, TR-03)")
        }
        let codec = try TransposeCodec(order: items.compactMap(\.intValue))
        if let rep = ctx.representation, rep.shape.count != codec.order.count {
            throw c.fail("order", "has \(codec.order.count) axes, the array has \(rep.shape.count) (E-35)")
        }
        return .arrayToArray(codec)
    }
}
