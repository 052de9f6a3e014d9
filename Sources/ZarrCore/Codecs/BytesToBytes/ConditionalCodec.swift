/// `conditional` (EX-C24, EX-C25): a bytes→bytes codec that applies a per-chunk selection of the
/// bytes→bytes codecs it wraps, recorded in a header of `header_bits / 8` bytes before the data.
///
/// ```json
/// {"name": "conditional", "configuration": {"codecs": [{"name": "gzip", "configuration": {"level": 5}}], "header_bits": 8}}
/// ```
/// Bit i of the header (bit 0 is the least significant bit of the first byte) says whether
/// codecs[i] was applied; bits past the codec list are reserved and must be 0. Decoding undoes
/// the selected codecs in reverse order. This writer applies none (mask 0), the codec's default.
struct ConditionalCodec: BytesToBytesCodec {
    let codecs: [any BytesToBytesCodec]
    let headerBytes: Int
    var name: String { "conditional" }
    var v2Configuration: JSON { .null }

    init(_ ext: ExtensionObject, context: CodecContext, registry: CodecRegistry) throws {
        let c = ext.config()
        guard let list = ext.configuration["codecs"]?.arrayValue else { throw c.fail("codecs", "required: a list of bytes→bytes codecs (EX-C24)") }
        var codecs: [any BytesToBytesCodec] = []
        for json in list {
            let inner = try ExtensionObject(json, field: "codecs")
            guard case .bytesToBytes(let codec)? = try registry.make(inner, context: context, v3: true) else {
                throw c.fail("codecs", "'\(inner.name)' is not a bytes→bytes codec; conditional wraps only those (EX-C24)")
            }
            codecs.append(codec)
        }
        let bits = try c.int("header_bits", default: (list.count + 7) / 8 * 8)
        guard bits % 8 == 0, bits >= list.count, bits <= 64 else {
            throw c.fail("header_bits", "must be a multiple of 8 of at least \(list.count), the number of codecs (EX-C24); this reader takes up to 64")
        }
        self.codecs = codecs
        headerBytes = bits / 8
    }

    func encodedSize(ofDecoded size: Int) -> Int? { nil }

    /// Mask 0: no wrapped codec applied (EX-C25, the writer's default).
    func encode(_ bytes: [UInt8]) throws -> [UInt8] { [UInt8](repeating: 0, count: headerBytes) + bytes }

    func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        guard bytes.count >= headerBytes else { throw ZarrError.corrupt("chunk shorter than its \(headerBytes)-byte header (EX-C25)", codec: name) }
        let mask = bytes.prefix(headerBytes).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        if codecs.count < 64, mask >> UInt64(codecs.count) != 0 {
            throw ZarrError.corrupt("header 0x\(String(mask, radix: 16)) sets reserved bits past the \(codecs.count) codecs (EX-C25)", codec: name)
        }
        var out = Array(bytes[headerBytes...])
        let selected = codecs.indices.filter { mask >> UInt64($0) & 1 == 1 }
        for i in selected.reversed() {
            // Only the last codec undone yields the chunk itself: its size is the one expected.
            let size = i == selected.first ? expectedSize : nil
            do { out = try codecs[i].decode(out, expectedSize: size, limit: limit) } catch let e as ZarrError { throw e.inCodec(codecs[i].name) }
        }
        return try checkDecoded(out, expectedSize: expectedSize)
    }
}

extension ConditionalCodec {
    static let definition = CodecDefinition("conditional") { c, ctx, registry in .bytesToBytes(try ConditionalCodec(c.extensionObject, context: ctx, registry: registry)) }
}
