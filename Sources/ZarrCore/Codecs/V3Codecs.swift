/// The v3 codec names (V3-87, section 4.2) and how a `codecs` list becomes a chain.
enum V3Codecs {
    static let factories: [String: CodecRegistry.V3Factory] = [
        "bytes": { ext, ctx, _ in
            let c = ext.config()
            let components = ctx.dataType.scalarComponents
            let endian: String
            if c.has("endian") { endian = try c.oneOf("endian", ["little", "big"], default: "little") }
            else if components.isEmpty || ctx.legacyStructured { endian = "little" }  // BY-01; EX-D15 legacy structured reads as little
            else { throw c.fail("endian", "required for a multi-byte data type (BY-01, E-31)") }
            return .arrayToBytes(BytesCodec(bigEndianComponents: endian == "big" ? components : []))
        },
        "transpose": { ext, ctx, _ in
            guard let items = ext.configuration["order"]?.arrayValue, items.allSatisfy({ $0.intValue != nil }) else {
                throw ext.config().fail("order", "must be a list of axis indices (TR-01, TR-03)")
            }
            let codec = try TransposeCodec(order: items.compactMap(\.intValue))
            if let rep = ctx.representation, rep.shape.count != codec.order.count {
                throw ext.config().fail("order", "has \(codec.order.count) axes, the array has \(rep.shape.count) (E-35)")
            }
            return .arrayToArray(codec)
        },
        "gzip": { ext, _, _ in
            let level = try ext.config().int("level")
            guard (0...9).contains(level) else { throw ext.config().fail("level", "must be 0…9 (GZ-01)") }
            return .bytesToBytes(try GzipCodec(level: level))
        },
        "zstd": { ext, _, _ in
            let c = ext.config()
            return .bytesToBytes(ZstdCodec(level: try c.int("level"), checksum: try c.bool("checksum", default: false)))
        },
        "blosc": { ext, ctx, _ in
            let c = ext.config()
            let shuffle = try c.oneOf("shuffle", ["noshuffle", "shuffle", "bitshuffle"], default: "noshuffle")
            let typesize = shuffle == "noshuffle" ? try c.int("typesize", default: 1) : try c.int("typesize")  // BC-02
            guard typesize >= 1 else { throw c.fail("typesize", "must be positive (BC-01)") }
            return .bytesToBytes(try BloscCodec(cname: try c.string("cname"), clevel: try c.int("clevel"),
                                                shuffle: ["noshuffle": 0, "shuffle": 1, "bitshuffle": 2][shuffle] ?? 0,
                                                blocksize: try c.int("blocksize", default: 0), typesize: typesize))
        },
        "crc32c": { ext, _, _ in
            guard ext.configuration.isEmpty else { throw ext.config().fail("configuration", "crc32c takes no configuration (CC-01)") }
            var codec = ChecksumCodec(.crc32c)
            codec.v3Name = "crc32c"
            return .bytesToBytes(codec)
        },
        "vlen-utf8": { _, ctx, _ in
            guard ctx.dataType == .string else { throw ZarrError(.invalidMetadata, "vlen-utf8 serialises only the string type (EX-C16)", codec: "vlen-utf8") }
            return .arrayToBytes(VLenCodec(kind: .utf8))
        },
        "vlen-bytes": { _, ctx, _ in
            guard ctx.dataType == .bytes else { throw ZarrError(.invalidMetadata, "vlen-bytes serialises only the bytes type (EX-C16)", codec: "vlen-bytes") }
            return .arrayToBytes(VLenCodec(kind: .bytes))
        },
        "sharding_indexed": { ext, ctx, registry in .arrayToBytes(try ShardingCodec(ext, context: ctx, registry: registry)) },
        "bitround": { ext, ctx, _ in .arrayToArray(try BitRoundV3Codec(keepbits: try ext.config().int("keepbits"), type: ctx.dataType)) },
        "scale_offset": { ext, ctx, _ in .arrayToArray(try ScaleOffsetCodec(ext, context: ctx)) },
        "cast_value": { ext, ctx, _ in .arrayToArray(try CastValueCodec(ext, context: ctx)) },
        "reshape": { ext, _, _ in .arrayToArray(try ReshapeCodec(ext)) },
        "packbits": { ext, ctx, _ in .arrayToBytes(try PackBitsCodec(ext, type: ctx.dataType)) },
        "zfp": { ext, ctx, _ in .arrayToBytes(try ZfpCodec(ext, context: ctx)) },
        "n5_default": { ext, ctx, registry in .arrayToBytes(try N5DefaultCodec(ext, context: ctx, registry: registry)) },
        "conditional": { ext, ctx, registry in .bytesToBytes(try ConditionalCodec(ext, context: ctx, registry: registry)) },
    ]
}

extension CodecRegistry {
    /// Builds the chain of a v3 `codecs` list, tracking the representation through it so each
    /// codec is checked against the type it will see (V3-82, V3-83).
    public func makeV3Chain(_ codecs: [JSON], decoded: ChunkRepresentation, legacyStructured: Bool = false) throws -> CodecChain {
        var rep = decoded
        var out: [AnyCodec] = []
        var haveArrayToBytes = false
        var bytesItemSize = 1
        for json in codecs {
            let ext = try ExtensionObject(json, field: "codecs")
            let context = CodecContext(dataType: rep.dataType, itemSize: haveArrayToBytes ? bytesItemSize : (rep.dataType.itemSize ?? 1),
                                       representation: rep, legacyStructured: legacyStructured)
            let codec: AnyCodec
            do {
                if let factory = v3[ext.name] {
                    codec = try factory(ext, context, self)
                } else if ext.name.hasPrefix("numcodecs."), let why = CodecRegistry.refused[String(ext.name.dropFirst(10))] {
                    throw ZarrError(.unsupported, why, codec: ext.name)
                } else if ext.name.hasPrefix("numcodecs."), let factory = v2[String(ext.name.dropFirst(10))] {
                    var object = ext.configuration
                    object["id"] = .string(String(ext.name.dropFirst(10)))
                    codec = try factory(CodecConfiguration(codec: ext.name, object: object), context)
                } else if ext.name.hasPrefix("numcodecs.") && ext.mustUnderstand {
                    throw ZarrError(.unsupported, "unknown codec '\(ext.name)': numcodecs has no codec id '\(ext.name.dropFirst(10))' (EX-U01)",
                                    codec: ext.name, field: "codecs")
                } else if !ext.mustUnderstand {
                    continue  // V3-43 / E-69: an unknown codec marked must_understand: false is skipped
                } else {
                    throw RegisteredExtensions.unknown(ext.name, .codec, codec: ext.name)
                }
            } catch let e as ZarrError { throw e.inCodec(ext.name) }
            switch codec {
            case .arrayToArray(let c): rep = try c.encodedRepresentation(of: rep)
            case .arrayToBytes(let c):
                haveArrayToBytes = true
                bytesItemSize = c is BytesCodec ? (rep.dataType.itemSize ?? 1) : 1
            case .bytesToBytes(let c): if !(c is ShuffleCodec) { bytesItemSize = 1 }
            }
            out.append(codec)
        }
        return try CodecChain(out)
    }
}
