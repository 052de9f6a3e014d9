/// A 32-bit checksum stored little-endian at the start or end of the payload (NC-20…NC-24, CC-01).
/// Decode verifies it and strips it.
public struct ChecksumCodec: BytesToBytesCodec {
    public enum Algorithm: String, Sendable {
        case crc32, adler32, crc32c, fletcher32
        case jenkinsLookup3 = "jenkins_lookup3"
    }
    public enum Location: String, Sendable { case start, end }

    public var algorithm: Algorithm
    public var location: Location
    /// jenkins_lookup3 only.
    public var initval: UInt32 = 0
    public var prefix: [UInt8]?
    /// Whether `location` was written in the source configuration (kept on rewrite).
    var writesLocation = false
    /// v3 `crc32c` versus numcodecs' own configuration form.
    var v3Name: String?

    public init(_ algorithm: Algorithm, location: Location? = nil) {
        self.algorithm = algorithm
        self.location = location ?? Self.defaultLocation(algorithm)
        writesLocation = location != nil
    }

    static func defaultLocation(_ a: Algorithm) -> Location {
        switch a {
        case .crc32, .adler32: return .start
        case .crc32c, .fletcher32, .jenkinsLookup3: return .end
        }
    }

    init(_ algorithm: Algorithm, _ config: CodecConfiguration) throws {
        let located: Location?
        if config.has("location") {
            guard algorithm != .fletcher32, algorithm != .jenkinsLookup3 else { throw config.fail("location", "not a member of \(algorithm.rawValue)") }
            guard let l = Location(rawValue: try config.string("location")) else { throw config.fail("location", "must be 'start' or 'end'") }
            located = l
        } else { located = nil }
        self.init(algorithm, location: located)
        if algorithm == .jenkinsLookup3 {
            initval = UInt32(truncatingIfNeeded: try config.int("initval", default: 0))
            if let p = config.object["prefix"], !p.isNull {
                guard let items = p.arrayValue?.compactMap({ $0.intValue }).compactMap({ UInt8(exactly: $0) }), items.count == p.arrayValue?.count
                else { throw config.fail("prefix", "must be null or a list of byte values") }
                prefix = items
            }
        }
    }

    public var name: String { v3Name ?? "numcodecs.\(algorithm.rawValue)" }
    public var v2Configuration: JSON {
        var members: [(String, JSON)] = writesLocation ? [("location", .string(location.rawValue))] : []
        if algorithm == .jenkinsLookup3 {
            members = [("initval", .int(initval)), ("prefix", prefix.map { .array($0.map { .int($0) }) } ?? .null)]
        }
        return JSONObject.v2(algorithm.rawValue, members)
    }

    public func encodedSize(ofDecoded size: Int) -> Int? { size + 4 }

    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        switch algorithm {
        case .crc32: return Zlib.crc32(bytes)
        case .adler32: return Zlib.adler32(bytes)
        case .crc32c: return ISAL.crc32c(bytes)
        case .fletcher32: return Checksums.fletcher32(bytes)
        case .jenkinsLookup3:
            if let prefix { return Checksums.lookup3(prefix + Array(bytes), initval: initval) }
            return Checksums.lookup3(bytes, initval: initval)
        }
    }

    public func encode(_ bytes: [UInt8]) throws -> [UInt8] {
        let sum = bytes.withUnsafeBytes { checksum($0) }
        let tag = withUnsafeBytes(of: sum.littleEndian) { Array($0) }
        return location == .start ? tag + bytes : bytes + tag
    }

    public func decode(_ bytes: [UInt8], expectedSize: Int?, limit: Int) throws -> [UInt8] {
        guard bytes.count >= 4 else { throw ZarrError.corrupt("buffer shorter than its 4-byte checksum", codec: name, problem: .checksumMismatch) }
        let payloadRange = location == .start ? 4..<bytes.count : 0..<bytes.count - 4
        let tagStart = location == .start ? 0 : bytes.count - 4
        let stored = UInt32(bytes[tagStart]) | UInt32(bytes[tagStart + 1]) << 8 | UInt32(bytes[tagStart + 2]) << 16 | UInt32(bytes[tagStart + 3]) << 24
        let computed = bytes.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[payloadRange])) }
        guard stored == computed else {
            throw ZarrError.corrupt("checksum mismatch: stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))", codec: name, problem: .checksumMismatch)
        }
        return try checkDecoded(Array(bytes[payloadRange]), expectedSize: expectedSize)
    }
}

/// Checksums with no library behind them, written from their published definitions.
enum Checksums {
    /// HDF5 / netCDF Fletcher-32 (NC-23): 16-bit big-endian words, blocks of 360 words, an odd
    /// last byte shifted into the high byte; result (sum2 << 16) | sum1.
    static func fletcher32(_ data: UnsafeRawBufferPointer) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var words = data.count / 2
        var i = 0
        while words > 0 {
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 += UInt32(data[i]) << 8 | UInt32(data[i + 1])
                sum2 += sum1
                i += 2
            }
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        if data.count % 2 == 1 {
            sum1 += UInt32(data[data.count - 1]) << 8
            sum2 += sum1
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16)
        sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    static func lookup3(_ bytes: [UInt8], initval: UInt32) -> UInt32 {
        bytes.withUnsafeBytes { lookup3($0, initval: initval) }
    }

    /// Bob Jenkins' lookup3 `hashlittle`, byte-wise (the HDF5 variant, NC-24, TV-04).
    static func lookup3(_ k: UnsafeRawBufferPointer, initval: UInt32) -> UInt32 {
        func rot(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }
        var length = k.count
        var a = 0xdeadbeef &+ UInt32(truncatingIfNeeded: length) &+ initval
        var b = a, c = a
        var p = 0
        func word(_ at: Int, _ n: Int) -> UInt32 {
            var v: UInt32 = 0
            for j in 0..<n { v |= UInt32(k[at + j]) << (8 * UInt32(j)) }
            return v
        }
        while length > 12 {
            a = a &+ word(p, 4); b = b &+ word(p + 4, 4); c = c &+ word(p + 8, 4)
            a = a &- c; a ^= rot(c, 4); c = c &+ b
            b = b &- a; b ^= rot(a, 6); a = a &+ c
            c = c &- b; c ^= rot(b, 8); b = b &+ a
            a = a &- c; a ^= rot(c, 16); c = c &+ b
            b = b &- a; b ^= rot(a, 19); a = a &+ c
            c = c &- b; c ^= rot(b, 4); b = b &+ a
            length -= 12
            p += 12
        }
        if length == 0 { return c }
        a = a &+ word(p, min(length, 4))
        if length > 4 { b = b &+ word(p + 4, min(length - 4, 4)) }
        if length > 8 { c = c &+ word(p + 8, length - 8) }
        c ^= b; c = c &- rot(b, 14)
        a ^= c; a = a &- rot(c, 11)
        b ^= a; b = b &- rot(a, 25)
        c ^= b; c = c &- rot(b, 16)
        a ^= c; a = a &- rot(c, 4)
        b ^= a; b = b &- rot(a, 14)
        c ^= b; c = c &- rot(b, 24)
        return c
    }
}

extension ChecksumCodec {
    /// numcodecs' checksums, each under its v2 id.
    static let definitions: [CodecDefinition] = [Algorithm.crc32, .adler32, .crc32c, .fletcher32, .jenkinsLookup3].map { algorithm in
        CodecDefinition("numcodecs.\(algorithm.rawValue)", v2: [algorithm.rawValue]) { c, _, _ in .bytesToBytes(try ChecksumCodec(algorithm, c)) }
    }

    /// v3 `crc32c` (CC-01): no configuration.
    static let v3Definition = CodecDefinition("crc32c") { c, _, _ in
        guard c.object.isEmpty else { throw c.fail("configuration", "crc32c takes no configuration (CC-01)") }
        var codec = ChecksumCodec(.crc32c)
        codec.v3Name = "crc32c"
        return .bytesToBytes(codec)
    }
}
