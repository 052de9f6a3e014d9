import Foundation
import ZarrCore
#if canImport(Glibc)
import Glibc
#endif

/// Where each entry's bytes are in a zip file: ZIPFoundation does not expose an entry's offset,
/// and a stored entry must be read by range without reading the rest (ST-09). Reads the end of
/// central directory record (and its zip64 form) and the central directory entries (with their
/// zip64 extra fields); every number is checked against the file's size.
struct ZipDirectory {
    struct Record {
        var name: String
        var method: UInt16
        var flags: UInt16
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    var records: [Record] = []

    static func read(fd: Int32, fileSize: UInt64, path: String) throws -> ZipDirectory {
        func fail(_ what: String) -> ZarrError { ZarrError(.corruptData, "not a readable zip file (\(what)): \(path)") }
        let tailLength = Int(min(fileSize, 22 + 65_535))
        guard tailLength >= 22 else { throw fail("shorter than an end of central directory record") }
        let tail = try pread(fd, count: tailLength, at: fileSize - UInt64(tailLength), path: path)
        var eocd: Int?
        var i = tail.count - 22
        while i >= 0 {
            if tail.u32(i) == 0x0605_4b50, i + 22 + Int(tail.u16(i + 20)) <= tail.count { eocd = i; break }
            i -= 1
        }
        guard let e = eocd else { throw fail("no end of central directory record") }
        var count = UInt64(tail.u16(e + 10))
        var cdSize = UInt64(tail.u32(e + 12))
        var cdOffset = UInt64(tail.u32(e + 16))
        let eocdPosition = fileSize - UInt64(tailLength) + UInt64(e)
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF, eocdPosition >= 20 {
            let locator = try pread(fd, count: 20, at: eocdPosition - 20, path: path)
            if locator.u32(0) == 0x0706_4b50 {
                let zip64Position = locator.u64(8)
                guard zip64Position <= fileSize - 56 else { throw fail("zip64 record outside the file") }
                let record = try pread(fd, count: 56, at: zip64Position, path: path)
                guard record.u32(0) == 0x0606_4b50 else { throw fail("bad zip64 end of central directory record") }
                count = record.u64(32)
                cdSize = record.u64(40)
                cdOffset = record.u64(48)
            }
        }
        guard cdOffset <= fileSize, cdSize <= fileSize - cdOffset, cdSize <= UInt64(Int32.max) else { throw fail("central directory outside the file") }
        guard count <= cdSize / 46 + 1 else { throw fail("more entries than the central directory can hold") }
        let cd = try pread(fd, count: Int(cdSize), at: cdOffset, path: path)
        var out = ZipDirectory()
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= cd.count, cd.u32(p) == 0x0201_4b50 else { throw fail("bad central directory entry") }
            let nameLength = Int(cd.u16(p + 28)), extraLength = Int(cd.u16(p + 30)), commentLength = Int(cd.u16(p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= cd.count else { throw fail("central directory entry overruns") }
            var record = Record(
                name: String(decoding: cd[p + 46..<p + 46 + nameLength], as: UTF8.self), method: cd.u16(p + 10), flags: cd.u16(p + 8),
                compressedSize: UInt64(cd.u32(p + 20)), uncompressedSize: UInt64(cd.u32(p + 24)), localHeaderOffset: UInt64(cd.u32(p + 42)))
            // The zip64 extra field holds, in this order, the 64-bit forms of the fields set to 0xFFFFFFFF.
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = cd.u16(x), size = Int(cd.u16(x + 2))
                guard x + 4 + size <= extraEnd else { break }
                if id == 0x0001 {
                    var f = x + 4
                    func next() -> UInt64? {
                        guard f + 8 <= x + 4 + size else { return nil }
                        defer { f += 8 }
                        return cd.u64(f)
                    }
                    if record.uncompressedSize == 0xFFFF_FFFF { record.uncompressedSize = next() ?? record.uncompressedSize }
                    if record.compressedSize == 0xFFFF_FFFF { record.compressedSize = next() ?? record.compressedSize }
                    if record.localHeaderOffset == 0xFFFF_FFFF { record.localHeaderOffset = next() ?? record.localHeaderOffset }
                }
                x += 4 + size
            }
            out.records.append(record)
            p += 46 + nameLength + extraLength + commentLength
        }
        return out
    }

    /// The offset of an entry's data: after its local header, whose name and extra lengths may
    /// differ from the central directory's.
    static func dataOffset(of record: Record, fd: Int32, fileSize: UInt64, path: String) throws -> UInt64 {
        guard record.localHeaderOffset <= fileSize, fileSize - record.localHeaderOffset >= 30 else {
            throw ZarrError(.corruptData, "the entry's local header lies outside the zip file", key: record.name)
        }
        let header = try pread(fd, count: 30, at: record.localHeaderOffset, path: path)
        guard header.u32(0) == 0x0403_4b50 else { throw ZarrError(.corruptData, "bad local header signature", key: record.name) }
        let offset = record.localHeaderOffset + 30 + UInt64(header.u16(26)) + UInt64(header.u16(28))
        guard offset <= fileSize, record.compressedSize <= fileSize - offset else {
            throw ZarrError(.corruptData, "the entry's data lies outside the zip file", key: record.name)
        }
        return offset
    }

    static func pread(_ fd: Int32, count: Int, at offset: UInt64, path: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { buffer in
                // done < count == buffer.count: the base address exists and the slice is in bounds.
                Glibc.pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ZarrError(.storage, "cannot read the zip file (\(n < 0 ? String(cString: strerror(errno)) : "it ended early")): \(path)") }
            done += n
        }
        return out
    }
}

extension Array where Element == UInt8 {
    func u16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
    func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) | UInt64(u32(i + 4)) << 32 }
}
