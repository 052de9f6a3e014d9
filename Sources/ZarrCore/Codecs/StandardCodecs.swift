/// Every codec this reader builds: adding one is its file plus a line here.
extension CodecRegistry {
    public static let standard = CodecRegistry([
        // array→array
        TransposeCodec.definition, BitRoundV3Codec.definition, ScaleOffsetCodec.definition, CastValueCodec.definition,
        ReshapeCodec.definition, DeltaCodec.definition, FixedScaleOffsetCodec.definition, QuantizeCodec.definition,
        AsTypeCodec.definition, BitRoundCodec.definition, CategorizeCodec.definition,
        // array→bytes
        BytesCodec.definition, ShardingCodec.definition, PackBitsCodec.definition, PackBitsV2Codec.definition,
        ZfpCodec.definition, ZfpyCodec.definition, N5DefaultCodec.definition, JSON2Codec.definition,
        // bytes→bytes
        GzipCodec.definition, ZlibCodec.definition, ZstdCodec.definition, BloscCodec.definition, Bz2Codec.definition,
        LZ4Codec.definition, LZMACodec.definition, ShuffleCodec.definition, ChecksumCodec.v3Definition, ConditionalCodec.definition,
        N5LZ4Codec.definition,
    ] + VLenCodec.definitions + ChecksumCodec.definitions)
}
