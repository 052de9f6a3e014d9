import CZarrZFP

/// The zfp compressed number format through the system libzfp (LLNL): fields of one to four
/// dimensions of int32, int64, float or double, in C order (the last axis is zfp's x).
///
/// zfp's decoder does not bound its reads by the stream's length, so every stream is decoded
/// from a copy padded with zeros to the most bits the decoder can take for the field and mode
/// (`readBound`); a stream that needs more than it holds is refused as truncated.
///
/// Debian builds libzfp with 8-bit stream words; zfp's default, and zfpy's and zarrs' builds,
/// use 64-bit words, whose streams end on an 8-byte boundary. On a little-endian host the bits
/// are the same either way, so streams are written padded with zeros to a multiple of 8 bytes:
/// byte for byte what zfpy writes, and never shorter than a 64-bit reader fetches.
enum Zfp {
    enum Scalar: Sendable, Equatable {
        case int32, int64, float, double

        var size: Int { self == .int32 || self == .float ? 4 : 8 }
        var name: String {
            switch self {
            case .int32: return "int32"
            case .int64: return "int64"
            case .float: return "float32"
            case .double: return "float64"
            }
        }
        var zfpType: zfp_type {
            switch self {
            case .int32: return zfp_type_int32
            case .int64: return zfp_type_int64
            case .float: return zfp_type_float
            case .double: return zfp_type_double
            }
        }
        init?(_ type: zfp_type) {
            switch type {
            case zfp_type_int32: self = .int32
            case zfp_type_int64: self = .int64
            case zfp_type_float: self = .float
            case zfp_type_double: self = .double
            default: return nil
            }
        }
    }

    /// How `fixed_rate` becomes bits per block: `zfp_stream_set_rate` with the field's scalar type
    /// (the registered `zfp` codec) or with no type (zfpy, whose streams carry their mode anyway).
    enum RateType { case scalar, none }

    static var libraryVersion: String {
        let v = zfp_library_version  // ZFP_VERSION: major << 12 | minor << 8 | patch << 4 | tweak
        return "\(v >> 12 & 0xF).\(v >> 8 & 0xF).\(v >> 4 & 0xF)"
    }

    /// zfp's sizes (nx, ny, nz, nw) for a C-order chunk shape; a 0-d chunk is one value (EX-C18).
    static func fieldSizes(_ shape: [Int], codec: String) throws -> [Int] {
        guard shape.count <= 4 else {
            throw ZarrError(.unsupported, "zfp encodes chunks of at most 4 dimensions, this one has \(shape.count) (EX-C18, E-67)", codec: codec)
        }
        return shape.isEmpty ? [1] : shape.reversed()
    }

    private static func makeField(_ type: zfp_type, _ sizes: [Int], _ pointer: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<zfp_field>? {
        switch sizes.count {
        case 1: return zfp_field_1d(pointer, type, sizes[0])
        case 2: return zfp_field_2d(pointer, type, sizes[0], sizes[1])
        case 3: return zfp_field_3d(pointer, type, sizes[0], sizes[1], sizes[2])
        default: return zfp_field_4d(pointer, type, sizes[0], sizes[1], sizes[2], sizes[3])
        }
    }

    /// Sets the mode on a stream; false when libzfp refuses the parameters.
    private static func configure(_ stream: UnsafeMutablePointer<zfp_stream>, _ mode: ZfpMode, _ scalar: Scalar, dims: Int, rateType: RateType) -> Bool {
        switch mode {
        case .reversible: zfp_stream_set_reversible(stream)
        case .expert(let minbits, let maxbits, let maxprec, let minexp):
            return zfp_stream_set_params(stream, minbits, maxbits, maxprec, minexp) != 0
        case .fixedAccuracy(let tolerance): zfp_stream_set_accuracy(stream, tolerance)
        case .fixedRate(let rate): zfp_stream_set_rate(stream, rate, rateType == .scalar ? scalar.zfpType : zfp_type_none, UInt32(dims), 0)
        case .fixedPrecision(let precision): zfp_stream_set_precision(stream, precision)
        }
        return zfp_stream_compression_mode(stream) != zfp_mode_null
    }

    /// Checks a mode's parameters as libzfp will take them (for metadata, before any chunk).
    static func validate(_ mode: ZfpMode, _ scalar: Scalar, dims: Int, rateType: RateType) -> Bool {
        guard let stream = zfp_stream_open(nil) else { return false }
        defer { zfp_stream_close(stream) }
        return configure(stream, mode, scalar, dims: dims, rateType: rateType)
    }

    /// The most bytes a chunk of `sizes` can take in `mode` (what zfp's decoder may read), or nil.
    static func maximumSize(_ mode: ZfpMode, _ scalar: Scalar, sizes: [Int], rateType: RateType) -> Int? {
        guard let stream = zfp_stream_open(nil) else { return nil }
        defer { zfp_stream_close(stream) }
        guard configure(stream, mode, scalar, dims: sizes.count, rateType: rateType) else { return nil }
        return readBound(stream: stream, scalar: scalar, sizes: sizes, headerBits: 0)?.bytes
    }

    /// Compresses `values` (native scalars in C order of `shape`), with zfp's full header
    /// (magic, field, mode) in front when `header` is set, as zfpy writes it.
    static func compress(_ values: [UInt8], scalar: Scalar, shape: [Int], mode: ZfpMode, rateType: RateType, header: Bool, codec: String) throws -> [UInt8] {
        let sizes = try fieldSizes(shape, codec: codec)
        guard let stream = zfp_stream_open(nil) else { throw ZarrError(.storage, "cannot open a zfp stream", codec: codec) }
        defer { zfp_stream_close(stream) }
        guard configure(stream, mode, scalar, dims: sizes.count, rateType: rateType) else {
            throw ZarrError(.invalidMetadata, "libzfp refuses the parameters of mode \(mode)", codec: codec)
        }
        return try values.withUnsafeBytes { src -> [UInt8] in
            // zfp_compress only reads the field's data; the buffer holds count × size bytes (ChunkData.check).
            guard let field = makeField(scalar.zfpType, sizes, UnsafeMutableRawPointer(mutating: src.baseAddress)) else {
                throw ZarrError(.storage, "cannot describe the chunk to zfp", codec: codec)
            }
            defer { zfp_field_free(field) }
            let bound = zfp_stream_maximum_size(stream, field)
            guard bound > 0 else { throw ZarrError(.invalidArgument, "zfp cannot bound this chunk's encoding", codec: codec) }
            guard bound <= StoreLimits.maxValueBytes else {
                throw ZarrError(.invalidArgument, "mode \(mode) may need \(bound) bytes for this chunk, more than a stored value may hold", codec: codec)
            }
            var out = [UInt8](repeating: 0, count: bound)
            let size = try out.withUnsafeMutableBytes { dst -> Int in
                guard let bits = stream_open(dst.baseAddress, dst.count) else { throw ZarrError(.storage, "cannot open a zfp bit stream", codec: codec) }
                defer { stream_close(bits) }
                zfp_stream_set_bit_stream(stream, bits)
                zfp_stream_rewind(stream)
                if header, zfp_write_header(stream, field, UInt32(ZFP_HEADER_FULL)) == 0 {
                    throw ZarrError(.invalidArgument, "zfp cannot write a header for this chunk", codec: codec)
                }
                return zfp_compress(stream, field)
            }
            guard size > 0, size <= out.count else { throw ZarrError(.invalidArgument, "zfp compression failed", codec: codec) }
            let padded = (size + 7) / 8 * 8
            if padded > out.count { out += [UInt8](repeating: 0, count: padded - out.count) }
            out.removeSubrange(padded...)
            return out
        }
    }

    /// Decodes a headerless stream (the registered `zfp` codec) of `shape` in `mode`.
    static func decompress(_ input: [UInt8], scalar: Scalar, shape: [Int], mode: ZfpMode, rateType: RateType, codec: String) throws -> [UInt8] {
        let sizes = try fieldSizes(shape, codec: codec)
        guard let stream = zfp_stream_open(nil) else { throw ZarrError(.storage, "cannot open a zfp stream", codec: codec) }
        defer { zfp_stream_close(stream) }
        guard configure(stream, mode, scalar, dims: sizes.count, rateType: rateType) else {
            throw ZarrError(.invalidMetadata, "libzfp refuses the parameters of mode \(mode)", codec: codec)
        }
        return try decode(input, stream: stream, scalar: scalar, sizes: sizes, headerBits: 0, codec: codec)
    }

    /// Decodes a stream that starts with zfp's full header (zfpy): the header's field must hold
    /// `count` values of `scalar`; its mode decides the decoding.
    static func decompressWithHeader(_ input: [UInt8], scalar: Scalar, count: Int, codec: String) throws -> [UInt8] {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: codec) }
        guard let stream = zfp_stream_open(nil) else { throw ZarrError(.storage, "cannot open a zfp stream", codec: codec) }
        defer { zfp_stream_close(stream) }
        guard let field = zfp_field_alloc() else { throw ZarrError(.storage, "cannot allocate a zfp field", codec: codec) }
        defer { zfp_field_free(field) }
        // The header is at most ZFP_HEADER_MAX_BITS (148) bits; it is read from a zero-padded copy.
        var head = Array(input.prefix(32))
        head += [UInt8](repeating: 0, count: 64 - head.count)
        let headerBits = head.withUnsafeMutableBytes { buffer -> Int in
            guard let bits = stream_open(buffer.baseAddress, buffer.count) else { return 0 }
            defer { stream_close(bits) }
            zfp_stream_set_bit_stream(stream, bits)
            zfp_stream_rewind(stream)
            return zfp_read_header(stream, field, UInt32(ZFP_HEADER_FULL))
        }
        guard headerBits > 0, headerBits <= input.count * 8 else { throw fail("no valid zfp header (magic, field and mode) at the start of the chunk") }
        guard let stored = Scalar(field.pointee.type) else { throw fail("zfp header names no known scalar type") }
        guard stored == scalar else { throw fail("zfp header holds \(stored.name) values where the array holds \(scalar.name)") }
        let all = [field.pointee.nx, field.pointee.ny, field.pointee.nz, field.pointee.nw]
        let sizes = Array(all.prefix { $0 > 0 })
        guard !sizes.isEmpty, all.dropFirst(sizes.count).allSatisfy({ $0 == 0 }) else { throw fail("zfp header has no valid field shape") }
        var elements = 1
        for n in sizes {
            let (p, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail("zfp header's field shape overflows") }
            elements = p
        }
        guard elements == count else { throw fail("zfp header's field of \(elements) values does not match the chunk's \(count)") }
        guard zfp_stream_compression_mode(stream) != zfp_mode_null else { throw fail("zfp header has no valid mode") }
        return try decode(input, stream: stream, scalar: scalar, sizes: sizes, headerBits: headerBits, codec: codec)
    }

    /// The most bytes zfp's decoder can read for this field and mode (header included), or nil on
    /// overflow. Whatever the stream, a block of 4^d values takes no more than its flags and
    /// exponent (under 64 bits), (values + 1) bits per coded bit plane and 2·values bits of group
    /// tests — maxbits is not relied on, since libzfp's budget wraps around when it is below the
    /// exponent's bits — and the decoder always moves on by at least minbits.
    static func readBound(stream: UnsafeMutablePointer<zfp_stream>, scalar: Scalar, sizes: [Int], headerBits: Int) -> (bytes: Int, minimumBits: Int)? {
        var minbits: UInt32 = 0, maxbits: UInt32 = 0, maxprec: UInt32 = 0, minexp: Int32 = 0
        zfp_stream_params(stream, &minbits, &maxbits, &maxprec, &minexp)
        return bound(minbits: Int(minbits), maxprec: Int(maxprec), scalar: scalar, sizes: sizes, headerBits: headerBits)
    }

    static func bound(minbits: Int, maxprec: Int, scalar: Scalar, sizes: [Int], headerBits: Int) -> (bytes: Int, minimumBits: Int)? {
        let values = 1 << (2 * sizes.count)
        let precision = min(maxprec, scalar.size * 8)
        let coded = values * (precision + 2) + precision + 64
        let perBlock = max(minbits, coded)
        var blocks = 1
        for n in sizes {
            let (b, overflow) = blocks.multipliedReportingOverflow(by: (n + 3) / 4)
            guard !overflow else { return nil }
            blocks = b
        }
        let (bits, o1) = blocks.multipliedReportingOverflow(by: perBlock)
        let (minimum, o2) = blocks.multipliedReportingOverflow(by: minbits)
        let (total, o3) = bits.addingReportingOverflow(Int(ZFP_HEADER_MAX_BITS) + headerBits + 3 * 64)
        guard !o1, !o2, !o3 else { return nil }
        return ((total + 63) / 64 * 8, minimum + headerBits)
    }

    private static func decode(_ input: [UInt8], stream: UnsafeMutablePointer<zfp_stream>, scalar: Scalar, sizes: [Int], headerBits: Int, codec: String) throws -> [UInt8] {
        func fail(_ why: String) -> ZarrError { ZarrError.corrupt(why, codec: codec) }
        guard let (bound, minimumBits) = readBound(stream: stream, scalar: scalar, sizes: sizes, headerBits: headerBits),
              bound <= StoreLimits.maxValueBytes.multipliedReportingOverflow(by: 2).partialValue
        else { throw fail("the zfp mode and field ask for more than any chunk can hold") }
        // Every block takes at least minbits: a shorter stream is cut off (and would ask for a large buffer).
        guard minimumBits <= input.count * 8 else {
            throw fail("stream of \(input.count) bytes is shorter than the \((minimumBits + 7) / 8) its mode needs at least")
        }
        var padded = input
        padded += [UInt8](repeating: 0, count: max(bound, input.count) + 16 - input.count)
        let count = sizes.reduce(1, *)
        var out = [UInt8](repeating: 0, count: count * scalar.size)
        let consumed = try padded.withUnsafeMutableBytes { src -> Int in
            guard let bits = stream_open(src.baseAddress, src.count) else { throw ZarrError(.storage, "cannot open a zfp bit stream", codec: codec) }
            defer { stream_close(bits) }
            zfp_stream_set_bit_stream(stream, bits)
            zfp_stream_rewind(stream)
            if headerBits > 0 {
                // The header was checked on a copy; reading it again positions the stream after it.
                guard let field = zfp_field_alloc() else { return 0 }
                defer { zfp_field_free(field) }
                guard zfp_read_header(stream, field, UInt32(ZFP_HEADER_FULL)) == headerBits else { return 0 }
            }
            return out.withUnsafeMutableBytes { dst -> Int in
                // The field describes exactly `out`: count values of `scalar`.
                guard let field = makeField(scalar.zfpType, sizes, dst.baseAddress) else { return 0 }
                defer { zfp_field_free(field) }
                return zfp_decompress(stream, field)
            }
        }
        guard consumed > 0 else { throw fail("zfp cannot decode the chunk") }
        // libzfp reports the whole stream words it read; more than the stored stream holds is truncation.
        let word = max(1, stream_word_bits / 8)
        guard consumed <= (input.count + word - 1) / word * word else {
            throw fail("stream is truncated: decoding needed \(consumed) bytes, the chunk holds \(input.count)")
        }
        return out
    }
}
