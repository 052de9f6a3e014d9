import XCTest
@testable import ZarrCore

/// N5-01…N5-25 and E-91…E-97.
final class N5Tests: XCTestCase {
    func dataset(_ attributes: String, blocks: [String: [UInt8]], root: String? = #"{"n5":"4.0.0"}"#) throws -> MemoryStore {
        let store = MemoryStore()
        if let root { try store.set("attributes.json", Array(root.utf8)) }
        try store.set("d/attributes.json", Array(attributes.utf8))
        for (k, v) in blocks { try store.set("d/" + k, v) }
        return store
    }

    func header(_ dims: [UInt32], mode: UInt16 = 0, count: UInt32? = nil) -> [UInt8] {
        var out = withUnsafeBytes(of: mode.bigEndian, Array.init) + withUnsafeBytes(of: UInt16(dims.count).bigEndian, Array.init)
        for d in dims { out += withUnsafeBytes(of: d.bigEndian, Array.init) }
        if let count { out += withUnsafeBytes(of: count.bigEndian, Array.init) }
        return out
    }

    func u16s(_ data: ChunkData) -> [UInt16] {
        guard case .fixed(let b) = data else { return [] }
        return stride(from: 0, to: b.count, by: 2).map { UInt16(b[$0]) | UInt16(b[$0 + 1]) << 8 }
    }

    func testPublishedBlockLayout() throws {
        // N5-17 / TV-05: a 1×2×3 uint16 block; header then values 1…6 big-endian, first dimension fastest.
        let block = header([1, 2, 3]) + (1...6).flatMap { [0, UInt8($0)] as [UInt8] }
        XCTAssertEqual(Array(block.prefix(16)), [0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
        let store = try dataset(#"{"dimensions":[1,2,3],"blockSize":[1,2,3],"dataType":"uint16","compression":{"type":"raw"}}"#, blocks: ["0/0/0": block])
        // Native view (N5 order): element (x, y, z) is payload[x + y + 2z].
        XCTAssertEqual(u16s(try ZarrArray.open(store: store, path: "d").read()), [1, 3, 5, 2, 4, 6])
        // Reversed view (z5py, zarr-python 2): shape [3, 2, 1], C order is the payload order.
        let reversed = try ZarrArray.open(store: store, path: "d", n5Axes: .reversed)
        XCTAssertEqual(reversed.shape, [3, 2, 1])
        XCTAssertEqual(u16s(try reversed.read()), [1, 2, 3, 4, 5, 6])
        // Writing the same values back produces the same bytes.
        let copy = MemoryStore()
        let a = try ZarrArray.create(store: copy, path: "d", metadata: try ZarrArray.open(store: store, path: "d").metadata)
        try a.write(try ZarrArray.open(store: store, path: "d").read())
        XCTAssertEqual(try copy.get("d/0/0/0"), block)
    }

    func testAxisConventionsAgree() throws {
        // E-96 / N5-25: value(N5 x,y,z) = reversed view [z,y,x].
        let store = MemoryStore()
        let meta = DatasetAttributesN5(dimensions: [4, 5, 6], blockSize: [3, 2, 4], dataType: "uint16", compression: JSONObject([("type", "gzip")]))
        let native = try ZarrArray.create(store: store, path: "d", metadata: .n5(meta, reversed: false))
        var values: [UInt16] = []
        for x in 0..<4 { for y in 0..<5 { for z in 0..<6 { values.append(UInt16(100 * x + 10 * y + z)) } } }
        try native.write(.fixed(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }))
        let reversed = try ZarrArray.open(store: store, path: "d", n5Axes: .reversed)
        XCTAssertEqual(u16s(try reversed.read([Slice(5, 6), Slice(3, 4), Slice(2, 3)])), [235])
        XCTAssertNotNil(try store.get("d/1/2/1"), "keys follow N5 order (N5-12)")
        // Edge blocks are written truncated, as N5-Java does (N5-15): block (1,2,1) is 1×1×2.
        XCTAssertEqual(Array(try store.get("d/1/2/1")?.prefix(16) ?? []), header([1, 1, 2]))
    }

    func testTruncatedAndPaddedEdgeBlocksMixed() throws {
        // E-91: a 3×3 dataset in 2×2 blocks; block (1,0) truncated to 1×2, block (1,1) padded to 2×2.
        let attrs = #"{"dimensions":[3,3],"blockSize":[2,2],"dataType":"uint16","compression":{"type":"raw"}}"#
        func payload(_ v: [UInt16]) -> [UInt8] { v.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        let store = try dataset(attrs, blocks: [
            "0/0": header([2, 2]) + payload([1, 2, 4, 5]),
            "1/0": header([1, 2]) + payload([3, 6]),
            "1/1": header([2, 2]) + payload([9, 99, 0, 0]),
            "0/1": header([2, 1]) + payload([7, 8]),
        ])
        XCTAssertEqual(u16s(try ZarrArray.open(store: store, path: "d", n5Axes: .reversed).read()), [1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    func testHeaderDisagreementsAreTypedErrors() throws {
        let attrs = #"{"dimensions":[4,4],"blockSize":[2,2],"dataType":"uint8","compression":{"type":"raw"}}"#
        let cases: [([UInt8], String)] = [
            (header([2, 2, 1]) + [UInt8](repeating: 1, count: 4), "3 dimensions"),  // E-92
            (header([3, 2]) + [UInt8](repeating: 1, count: 6), "disagrees"),  // larger than blockSize and not a padding
            (header([2, 2], mode: 2, count: 4) + [1, 2, 3, 4], "mode 2"),  // E-92
            (header([2, 2]) + [1, 2, 3], "exactly 4"),
            ([0, 0, 0], "shorter than its header"),
        ]
        for (block, needle) in cases {
            let store = try dataset(attrs, blocks: ["0/0": block])
            XCTAssertThrowsError(try ZarrArray.open(store: store, path: "d").read(), needle) { error in
                XCTAssertEqual((error as? ZarrError)?.key, "d/0/0", "\(error)")
                XCTAssertTrue("\(error)".contains(needle), "\(error) lacks '\(needle)'")
            }
        }
    }

    func testVarlengthBlockWithFewerElements() throws {
        // E-93: 3 elements in a 2×2 block fill it in N5 order; the rest reads as 0.
        let attrs = #"{"dimensions":[2,2],"blockSize":[2,2],"dataType":"uint8","compression":{"type":"raw"}}"#
        let store = try dataset(attrs, blocks: ["0/0": header([2, 2], mode: 1, count: 3) + [7, 8, 9]])
        XCTAssertEqual(try ZarrArray.open(store: store, path: "d", n5Axes: .reversed).read(), .fixed([7, 8, 9, 0]))
    }

    func testCompressionsAndLegacyCompressionType() throws {
        // E-94: gzip both ways, bzip2, xz, lz4, blosc, zstd, raw; and the version-0 compressionType.
        for compression in [#"{"type":"gzip","useZlib":true}"#, #"{"type":"gzip"}"#, #"{"type":"bzip2","blockSize":9}"#, #"{"type":"xz","preset":6}"#,
                            #"{"type":"lz4","blockSize":65536}"#, #"{"type":"blosc","cname":"zstd","clevel":5,"shuffle":2}"#, #"{"type":"zstd","level":3}"#,
                            #"{"type":"raw"}"#] {
            let attrs = try DatasetAttributesN5.parse(try JSON.parse(#"{"dimensions":[5,7],"blockSize":[2,3],"dataType":"int32","compression":\#(compression)}"#))
            let store = MemoryStore()
            let a = try ZarrArray.create(store: store, path: "d", metadata: .n5(attrs, reversed: false))
            let data = ChunkData.fixed((0..<35).flatMap { withUnsafeBytes(of: Int32($0 * 7 - 100).littleEndian, Array.init) })
            try a.write(data)
            XCTAssertEqual(try ZarrArray.open(store: store, path: "d").read(), data, compression)
        }
        let legacy = try DatasetAttributesN5.parse(try JSON.parse(#"{"dimensions":[4],"blockSize":[2],"dataType":"uint8","compressionType":"gzip"}"#))
        XCTAssertEqual(legacy.compression["type"], "gzip")
        XCTAssertTrue(try legacy.compressionCodec() is GzipCodec)
        XCTAssertThrowsError(try DatasetAttributesN5.parse(try JSON.parse(#"{"dimensions":[4],"blockSize":[2,2],"dataType":"uint8"}"#)))
        XCTAssertThrowsError(try DatasetAttributesN5.parse(try JSON.parse(#"{"dimensions":[4],"blockSize":[2],"dataType":"complex64"}"#)))
    }

    func testVersions() throws {
        // E-95: no root file (0.0.0) and 2.0.0 open; 5.0.0 is refused.
        let attrs = #"{"dimensions":[2],"blockSize":[2],"dataType":"uint8"}"#
        XCTAssertNoThrow(try ZarrArray.open(store: try dataset(attrs, blocks: [:], root: nil), path: "d"))
        XCTAssertNoThrow(try ZarrArray.open(store: try dataset(attrs, blocks: [:], root: #"{"n5":"2.0.0"}"#), path: "d"))
        XCTAssertThrowsError(try ZarrArray.open(store: try dataset(attrs, blocks: [:], root: #"{"n5":"5.0.0"}"#), path: "d")) {
            XCTAssertTrue("\($0)".contains("newer than 4"), "\($0)")
        }
    }

    func testLZ4BlockFramingAndXXH32() throws {
        // XXH32 (libxxhash) against xxHash's published values: "abc", and its sanity test's buffer
        // (byte i = the top byte of 2654435761 · 11400714785074694797^i) at lengths 0, 1, 14 and 222,
        // seeds 0 and 2654435761.
        XCTAssertEqual([UInt8]().withUnsafeBytes { XXHash32.hash($0, seed: 0) }, 0x02CC_5D05)
        XCTAssertEqual(Array("abc".utf8).withUnsafeBytes { XXHash32.hash($0, seed: 0) }, 0x32D1_53FF)
        var generator: UInt64 = 2_654_435_761
        let sanity = (0..<222).map { _ -> UInt8 in
            defer { generator = generator &* 11_400_714_785_074_694_797 }
            return UInt8(generator >> 56)
        }
        let published: [(Int, UInt32, UInt32)] = [(0, 0x02CC_5D05, 0x36B7_8AE7), (1, 0xCF65_B03E, 0xB454_5AA4),
                                                  (14, 0x1208_E7E2, 0x6AF1_D1FE), (222, 0x5BD1_1DBD, 0x5880_3C5F)]
        for (length, seed0, seedPrime) in published {
            sanity.withUnsafeBytes { all in
                let part = UnsafeRawBufferPointer(rebasing: all[..<length])
                XCTAssertEqual(XXHash32.hash(part, seed: 0), seed0, "length \(length)")
                XCTAssertEqual(XXHash32.hash(part, seed: 2_654_435_761), seedPrime, "length \(length)")
            }
        }
        // N5-10: magic, token, lengths, 28-bit checksum, then an empty end block.
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 / 7) }
        let framed = try LZ4Block.compress(data, blockSize: 65536)
        XCTAssertEqual(Array(framed.prefix(8)), Array("LZ4Block".utf8))
        XCTAssertEqual(framed[8] & 0x0F, 6, "log2(65536) - 10")
        XCTAssertEqual(Array(framed.suffix(21)), Array("LZ4Block".utf8) + [0x16] + [UInt8](repeating: 0, count: 12))
        XCTAssertEqual(try LZ4Block.decompress(framed, expectedSize: data.count, limit: 1 << 20), data)
        var broken = framed
        broken[17] ^= 1  // the first block's checksum
        XCTAssertThrowsError(try LZ4Block.decompress(broken, expectedSize: data.count, limit: 1 << 20)) { XCTAssertTrue("\($0)".contains("checksum"), "\($0)") }
        // z5py's bare LZ4 block is read when it decodes to exactly the expected size.
        let bare = Array(try LZ4.compress(Array(data.prefix(100)), acceleration: 1).dropFirst(4))
        XCTAssertEqual(try LZ4Block.decompress(bare, expectedSize: 100, limit: 1 << 20), Array(data.prefix(100)))
    }

    func testGroupsAndMembers() throws {
        // N5-01 / N5-02: directories are groups; attributes.json with dimensions is a dataset.
        let store = MemoryStore()
        try ZarrArray.create(store: store, path: "a/b/d", metadata: .n5(DatasetAttributesN5(dimensions: [2], blockSize: [2], dataType: "uint8"), reversed: false))
        XCTAssertEqual(try store.getJSON("attributes.json")?["n5"], "4.0.0")
        try store.set("a/attributes.json", Array(#"{"note":"x"}"#.utf8))
        guard case .group(let g) = try ZarrNode.open(store: store, path: "a") else { return XCTFail("not a group") }
        XCTAssertEqual(g.format, .n5)
        XCTAssertEqual(try g.members().map(\.name), ["b"])
    }
}

extension N5Tests {
    func testObjectDatasetsReadAsArraysOfBlocks() throws {
        // N5-20: mode 2, a byte count, the compressed payload; one element per block of the grid.
        let store = MemoryStore()
        let attrs = DatasetAttributesN5(dimensions: [10, 3], blockSize: [4, 3], dataType: "object", compression: JSONObject([("type", "gzip")]))
        let a = try ZarrArray.create(store: store, path: "o", metadata: .n5(attrs, reversed: false))
        XCTAssertEqual(a.shape, [3, 1], "ceil(10/4) × ceil(3/3) blocks")
        try a.write(.variable([Array("first".utf8)]), [Slice(0, 1), Slice(0, 1)])
        try a.write(.variable([[0, 1, 2, 255]]), [Slice(2, 3), Slice(0, 1)])
        let block = try XCTUnwrap(try store.get("o/2/0"))
        XCTAssertEqual(Array(block.prefix(6)), [0, 2, 0, 0, 0, 4])
        XCTAssertEqual(try Zlib.decompress(Array(block.dropFirst(6)), container: .gzip, expectedSize: 4, limit: 100), [0, 1, 2, 255])
        XCTAssertEqual(try ZarrArray.open(store: store, path: "o").read(), .variable([Array("first".utf8), [], [0, 1, 2, 255]]))
        // The digest is the blocks' payloads, length-prefixed, in grid order (a missing block is empty).
        XCTAssertEqual(try CanonicalDigest.compute(try ZarrArray.open(store: store, path: "o")).sha256,
                       CanonicalDigest.of(.variable([Array("first".utf8), [], [0, 1, 2, 255]])))
        // A numeric-mode block in an object dataset is refused.
        try store.set("o/1/0", [0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 3])
        XCTAssertThrowsError(try ZarrArray.open(store: store, path: "o").read()) { XCTAssertTrue("\($0)".contains("object mode"), "\($0)") }
    }
}

/// N5 `string` datasets (N5-21), from blocks built here byte by byte as N5-21 describes them:
/// varlength mode, the block shape in N5 order, the payload's byte count, NUL-terminated UTF-8.
final class N5StringTests: XCTestCase {
    func block(_ n5Shape: [UInt32], _ strings: [String], gzip: Bool = false) throws -> [UInt8] {
        let payload: [UInt8] = strings.flatMap { Array($0.utf8) + [UInt8(0)] }
        var out: [UInt8] = [0, 1, 0, UInt8(n5Shape.count)]
        for d in n5Shape { out += withUnsafeBytes(of: d.bigEndian, Array.init) }
        out += withUnsafeBytes(of: UInt32(payload.count).bigEndian, Array.init)
        return out + (gzip ? try Zlib.compress(payload, level: 5, container: .gzip) : payload)
    }

    func strings(_ data: ChunkData) -> [String] {
        guard case .variable(let items) = data else { return [] }
        return items.map { String(decoding: $0, as: UTF8.self) }
    }

    func testStringDatasetInBothAxisOrders() throws {
        for gzip in [false, true] {
            let store = MemoryStore()
            let compression = gzip ? #"{"type":"gzip","level":5}"# : #"{"type":"raw"}"#
            try store.set("attributes.json", Array(#"{"n5":"4.0.0","dimensions":[3,2],"blockSize":[2,2],"dataType":"string","compression":\#(compression)}"#.utf8))
            // Block (0,0): elements (x, y) in N5 order, x fastest: (0,0) (1,0) (0,1) (1,1).
            try store.set("0/0", try block([2, 2], ["a", "bb", "ccc", ""], gzip: gzip))
            // Block (1,0): the truncated edge, x = 2 only.
            try store.set("1/0", try block([1, 2], ["x", "yzé"], gzip: gzip))
            let native = try ZarrArray.open(store: store)
            XCTAssertEqual(native.shape, [3, 2])
            XCTAssertEqual(native.dataType, .string)
            XCTAssertEqual(strings(try native.read()), ["a", "ccc", "bb", "", "x", "yzé"], "native: [x][y] in C order")
            let reversed = try ZarrArray.open(store: store, n5Axes: .reversed)
            XCTAssertEqual(reversed.shape, [2, 3])
            XCTAssertEqual(strings(try reversed.read()), ["a", "bb", "x", "ccc", "", "yzé"], "reversed: [y][x] in C order")
            // Written back by this implementation: the same bytes as built above.
            let copy = MemoryStore()
            try copy.set("attributes.json", try XCTUnwrap(try store.get("attributes.json")))
            try ZarrArray.open(store: copy).write(try native.read())
            if !gzip {
                XCTAssertEqual(try copy.get("0/0"), try store.get("0/0"))
                XCTAssertEqual(try copy.get("1/0"), try store.get("1/0"))
            }
        }
    }

    func testCorruptStringBlocksAreErrors() throws {
        let store = MemoryStore()
        try store.set("attributes.json", Array(#"{"n5":"4.0.0","dimensions":[2],"blockSize":[2],"dataType":"string","compression":{"type":"raw"}}"#.utf8))
        let array = try ZarrArray.open(store: store)
        var three = try block([2], ["a", "b", "c"])
        for (bytes, why) in [(three, "three strings in a block of two"), (Array(try block([2], ["a", "b"]).dropLast()), "no final NUL"),
                             ([0, 0, 0, 1, 0, 0, 0, 2], "default mode"), (try block([4], ["a", "b", "c", "d"]), "larger than blockSize")] {
            try store.set("0", bytes)
            XCTAssertThrowsError(try array.read(), why)
        }
        three[7 + 4] = 0xFF  // a byte count far past the payload
        try store.set("0", three)
        XCTAssertThrowsError(try array.read())
    }
}
