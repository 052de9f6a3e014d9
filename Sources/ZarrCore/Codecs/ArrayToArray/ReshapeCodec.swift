/// v3 `reshape` (EX-C10, EX-C11): a new shape with the same C-order element sequence. Entries
/// are sizes, lists of input dimensions (their product), or one -1 (inferred).
/// JSON: `{"name": "reshape", "configuration": {"shape": [[0, 1], -1]}}`.
public struct ReshapeCodec: ArrayToArrayCodec {
    public let shape: [JSON]
    public var name: String { "reshape" }
    public var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject) throws {
        guard let s = ext.configuration["shape"]?.arrayValue else { throw ext.config().fail("shape", "required (EX-C10)") }
        shape = s
    }

    func fail(_ why: String) -> ZarrError { ZarrError(.invalidMetadata, why, codec: name, field: "shape") }

    public func encodedRepresentation(of decoded: ChunkRepresentation) throws -> ChunkRepresentation {
        let input = decoded.shape
        var out: [Int?] = []
        var lastDimension = -1
        var inferred: Int?
        for (i, entry) in shape.enumerated() {
            if let v = entry.intValue {
                if v == -1 {
                    guard inferred == nil else { throw fail("-1 may appear once (EX-C10)") }
                    inferred = i
                    out.append(nil)
                } else {
                    guard v >= 1 else { throw fail("sizes must be positive (EX-C10)") }
                    out.append(v)
                }
            } else if let dims = entry.arrayValue?.compactMap(\.intValue), !dims.isEmpty, dims.count == entry.arrayValue?.count {
                for d in dims {
                    guard d > lastDimension, d < input.count else { throw fail("input dimension lists must be strictly increasing and in range (EX-C11)") }
                    lastDimension = d
                }
                // EX-C11: the output so far must line up with the input dimensions before this list.
                if inferred == nil, let known = out.reduce(Optional(1), { a, b in a.flatMap { x in b.map { x * $0 } } }),
                   known != input[..<dims[0]].reduce(1, *) {
                    throw fail("entry \(i) does not line up with input dimensions \(dims) (EX-C11)")
                }
                out.append(dims.map { input[$0] }.reduce(1, *))
            } else { throw fail("entries are sizes, -1, or lists of input dimensions (EX-C10)") }
        }
        let total = input.reduce(1, *)
        let known = out.compactMap { $0 }.reduce(1, *)
        if let inferred {
            guard known > 0, total % known == 0 else { throw fail("cannot infer -1: \(total) elements do not divide by \(known)") }
            out[inferred] = total / known
        }
        let result = out.compactMap { $0 }
        guard result.reduce(1, *) == total else { throw fail("shape \(result) holds \(result.reduce(1, *)) elements, the chunk has \(total) (EX-C10)") }
        var rep = decoded
        rep.shape = result
        return rep
    }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { data }
    public func decode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> ChunkData { data }
}

extension ReshapeCodec {
    static let definition = CodecDefinition("reshape") { c, _, _ in .arrayToArray(try ReshapeCodec(c.extensionObject)) }
}
