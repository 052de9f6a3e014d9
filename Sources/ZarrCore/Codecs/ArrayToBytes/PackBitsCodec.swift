/// v3 `packbits` (EX-C12…EX-C15): each element's components, bits first_bit…last_bit, packed into
/// one bit stream, least significant bit of each byte first — the bit order of zarrs, the
/// reference implementation (EX-C14 leaves it unstated). An optional byte gives the number of
/// padding bits. JSON: `{"name": "packbits", "configuration": {"padding_encoding": "first_byte"}}`.
public struct PackBitsCodec: ArrayToBytesCodec {
    enum Padding: String { case none, firstByte = "first_byte", lastByte = "last_byte" }
    let padding: Padding
    let componentBits: Int, components: Int, signed: Bool
    let firstBit: Int, lastBit: Int
    let itemSize: Int
    public var name: String { "packbits" }
    public var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject, type: DataType) throws {
        let c = ext.config()
        var p = try c.string("padding_encoding", default: "none")
        if p == "start_byte" { p = "first_byte" }  // AM-03: the schema's spelling
        if p == "end_byte" { p = "last_byte" }
        guard let padding = Padding(rawValue: p) else { throw c.fail("padding_encoding", "must be none, first_byte or last_byte") }
        self.padding = padding
        switch type {
        case .bool: (componentBits, components, signed) = (1, 1, false)
        case .subByteInt(let b, let s): (componentBits, components, signed) = (b, 1, s)
        case .smallFloat(let f): (componentBits, components, signed) = (f.bits, 1, false)
        case .int(let b): (componentBits, components, signed) = (b, 1, true)
        case .uint(let b), .float(let b): (componentBits, components, signed) = (b, 1, false)
        case .datetime64, .timedelta64: (componentBits, components, signed) = (64, 1, true)
        case .bfloat16: (componentBits, components, signed) = (16, 1, false)
        case .complex(let b): (componentBits, components, signed) = (b / 2, 2, false)
        case .complexOf(.smallFloat(let f)): (componentBits, components, signed) = (f.bits, 2, false)
        case .complexOf: (componentBits, components, signed) = (16, 2, false)
        default: throw ZarrError(.unsupported, "packbits does not support this data type (EX-C15)", codec: "packbits")
        }
        itemSize = type.itemSize ?? 1
        func bit(_ names: [String], _ fallback: Int) throws -> Int {
            for n in names where c.has(n) { return try c.int(n) }
            return fallback
        }
        firstBit = try bit(["first_bit", "start_bit"], 0)
        lastBit = try bit(["last_bit", "end_bit"], componentBits - 1)
        guard 0 <= firstBit, firstBit <= lastBit, lastBit < componentBits else {
            throw c.fail("last_bit", "need 0 <= first_bit <= last_bit < \(componentBits) (EX-C12)")
        }
    }

    var keptBits: Int { lastBit - firstBit + 1 }
    /// Bytes one component occupies in memory: sub-byte components have a byte each.
    var componentBytes: Int { max(1, componentBits / 8) }

    func packedSize(_ count: Int) -> Int { Checked.ceilDiv(count * components * keptBits, 8) + (padding == .none ? 0 : 1) }

    public func encodedSize(of decoded: ChunkRepresentation) -> Int? { packedSize(decoded.count) }

    public func encode(_ data: ChunkData, _ decoded: ChunkRepresentation) throws -> [UInt8] {
        let src = try data.fixedBytes(name)
        let count = decoded.count * components
        let body = Checked.ceilDiv(count * keptBits, 8)
        var out = [UInt8](repeating: 0, count: packedSize(decoded.count))
        let start = padding == .firstByte ? 1 : 0
        for k in 0..<count {
            let base = k * componentBytes
            for b in 0..<keptBits {
                let sourceBit = firstBit + b
                let bit = (src[base + sourceBit / 8] >> UInt8(sourceBit % 8)) & 1
                let target = k * keptBits + b
                out[start + target / 8] |= bit << UInt8(target % 8)
            }
        }
        let pad = UInt8((8 - (count * keptBits) % 8) % 8)
        if padding == .firstByte { out[0] = pad }
        if padding == .lastByte { out[body] = pad }
        return out
    }

    public func decode(_ bytes: [UInt8], _ decoded: ChunkRepresentation) throws -> ChunkData {
        let count = decoded.count * components
        guard bytes.count == packedSize(decoded.count) else {
            throw ZarrError.corrupt("packed chunk has \(bytes.count) bytes, expected \(packedSize(decoded.count))", codec: name)
        }
        let body = Checked.ceilDiv(count * keptBits, 8)
        let pad = UInt8((8 - (count * keptBits) % 8) % 8)
        if padding == .firstByte, bytes[0] != pad { throw ZarrError.corrupt("padding byte says \(bytes[0]), expected \(pad)", codec: name) }
        if padding == .lastByte, bytes[body] != pad { throw ZarrError.corrupt("padding byte says \(bytes[body]), expected \(pad)", codec: name) }
        let start = padding == .firstByte ? 1 : 0
        var out = [UInt8](repeating: 0, count: decoded.count * itemSize)
        let width = componentBits < 8 ? 8 : componentBits  // sub-byte values fill their byte when sign-extended
        for k in 0..<count {
            let base = k * componentBytes
            var top: UInt8 = 0
            for b in 0..<keptBits {
                let source = k * keptBits + b
                let bit = (bytes[start + source / 8] >> UInt8(source % 8)) & 1
                let targetBit = firstBit + b
                out[base + targetBit / 8] |= bit << UInt8(targetBit % 8)
                top = bit
            }
            if signed && top == 1 {  // sign-extend through the element's width
                for targetBit in (lastBit + 1)..<width { out[base + targetBit / 8] |= 1 << UInt8(targetBit % 8) }
            }
        }
        return .fixed(out)
    }
}

extension PackBitsCodec {
    static let definition = CodecDefinition("packbits") { c, ctx, _ in .arrayToBytes(try PackBitsCodec(c.extensionObject, type: ctx.dataType)) }
}
