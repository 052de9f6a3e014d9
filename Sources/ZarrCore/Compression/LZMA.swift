import CZarrLZMA

/// xz (format 1), legacy .lzma "alone" (format 2) and raw (format 3) streams through liblzma (NC-06).
enum LZMA {
    static var libraryVersion: String { String(cString: lzma_version_string()) }

    enum Format: Int { case xz = 1, alone = 2, raw = 3 }

    /// One entry of a raw filter chain, as numcodecs writes them (`{"id": 33, "preset": 1}`).
    struct Filter: Equatable {
        var id: UInt64
        var preset: UInt32?
        var dictSize: UInt32?
        var lc: UInt32?, lp: UInt32?, pb: UInt32?
        var dist: UInt32?
    }

    /// Runs `body` with a filter array whose option structs stay alive for the call.
    private static func withFilters<T>(_ filters: [Filter], _ body: (UnsafeMutablePointer<lzma_filter>) throws -> T) throws -> T {
        guard filters.count <= 4 else { throw ZarrError(.invalidArgument, "at most 4 lzma filters", codec: "lzma") }
        let lzmaOptions = UnsafeMutablePointer<lzma_options_lzma>.allocate(capacity: max(filters.count, 1))
        let deltaOptions = UnsafeMutablePointer<lzma_options_delta>.allocate(capacity: max(filters.count, 1))
        let chain = UnsafeMutablePointer<lzma_filter>.allocate(capacity: filters.count + 1)
        defer { lzmaOptions.deallocate(); deltaOptions.deallocate(); chain.deallocate() }
        for (i, f) in filters.enumerated() {
            if f.id == zarr_lzma_filter_lzma1() || f.id == zarr_lzma_filter_lzma2() {
                guard lzma_lzma_preset(lzmaOptions + i, f.preset ?? 6) == 0 else {
                    throw ZarrError(.invalidArgument, "bad lzma preset \(f.preset ?? 6)", codec: "lzma")
                }
                if let d = f.dictSize { lzmaOptions[i].dict_size = d }
                if let v = f.lc { lzmaOptions[i].lc = v }
                if let v = f.lp { lzmaOptions[i].lp = v }
                if let v = f.pb { lzmaOptions[i].pb = v }
                chain[i] = lzma_filter(id: f.id, options: UnsafeMutableRawPointer(lzmaOptions + i))
            } else if f.id == zarr_lzma_filter_delta() {
                memset(deltaOptions + i, 0, MemoryLayout<lzma_options_delta>.size)
                deltaOptions[i].type = LZMA_DELTA_TYPE_BYTE
                deltaOptions[i].dist = f.dist ?? 1
                chain[i] = lzma_filter(id: f.id, options: UnsafeMutableRawPointer(deltaOptions + i))
            } else {
                throw ZarrError(.unsupported, "lzma filter id \(f.id) is not supported", codec: "lzma")
            }
        }
        chain[filters.count] = lzma_filter(id: zarr_lzma_vli_unknown(), options: nil)
        return try body(chain)
    }

    static func compress(_ input: [UInt8], format: Format, check: Int, preset: UInt32, filters: [Filter]?) throws -> [UInt8] {
        var stream = lzma_stream()
        zarr_lzma_stream_init(&stream)
        defer { lzma_end(&stream) }
        let status: lzma_ret
        switch format {
        case .xz:
            let checkID = lzma_check(rawValue: UInt32(check < 0 ? 4 : check))  // -1: CRC64, Python's default for xz
            if let filters { status = try withFilters(filters) { lzma_stream_encoder(&stream, $0, checkID) } }
            else { status = lzma_easy_encoder(&stream, preset, checkID) }
        case .alone:
            var options = lzma_options_lzma()
            guard lzma_lzma_preset(&options, preset) == 0 else { throw ZarrError(.invalidArgument, "bad lzma preset", codec: "lzma") }
            status = lzma_alone_encoder(&stream, &options)
        case .raw:
            guard let filters else { throw ZarrError(.invalidArgument, "raw lzma (format 3) needs filters", codec: "lzma") }
            status = try withFilters(filters) { lzma_raw_encoder(&stream, $0) }
        }
        guard status == LZMA_OK else { throw ZarrError(.invalidArgument, "cannot initialise the lzma encoder (\(status.rawValue))", codec: "lzma") }
        return try run(&stream, input, action: LZMA_FINISH, output: DecodeOutput(expected: nil, limit: Int.max - 1, inputCount: input.count, codec: "lzma"))
    }

    static func decompress(_ input: [UInt8], format: Format, filters: [Filter]?, expectedSize: Int?, limit: Int) throws -> [UInt8] {
        var stream = lzma_stream()
        zarr_lzma_stream_init(&stream)
        defer { lzma_end(&stream) }
        let status: lzma_ret
        switch format {
        case .xz: status = lzma_stream_decoder(&stream, UInt64.max, zarr_lzma_concatenated())
        case .alone: status = lzma_alone_decoder(&stream, UInt64.max)
        case .raw:
            guard let filters else { throw ZarrError.metadata("raw lzma (format 3) needs filters", field: "filters") }
            status = try withFilters(filters) { lzma_raw_decoder(&stream, $0) }
        }
        guard status == LZMA_OK else { throw ZarrError.corrupt("cannot initialise the lzma decoder", codec: "lzma") }
        let output = DecodeOutput(expected: expectedSize, limit: limit, inputCount: input.count, codec: "lzma")
        return try run(&stream, input, action: LZMA_FINISH, output: output)
    }

    private static func run(_ stream: inout lzma_stream, _ input: [UInt8], action: lzma_action, output start: DecodeOutput) throws -> [UInt8] {
        var output = start
        try input.withUnsafeBytes { src in
            stream.next_in = src.bindMemory(to: UInt8.self).baseAddress
            stream.avail_in = src.count
            while true {
                try output.reserve()
                var status = LZMA_OK
                output.write { dst in
                    stream.next_out = dst.bindMemory(to: UInt8.self).baseAddress
                    stream.avail_out = dst.count
                    let before = stream.avail_out
                    status = lzma_code(&stream, action)
                    return before - stream.avail_out
                }
                if status == LZMA_STREAM_END { return }
                if status == LZMA_BUF_ERROR { throw ZarrError.corrupt("lzma stream is truncated", codec: "lzma") }
                guard status == LZMA_OK else { throw ZarrError.corrupt("invalid lzma data (\(status.rawValue))", codec: "lzma") }
            }
        }
        return try output.finish()
    }
}
