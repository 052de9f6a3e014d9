import Crypto
import XCTest
@testable import ZarrCore

/// The `tree` and `dandi` digests and digests of selections (docs/digests.md).
final class DigestTests: XCTestCase {
    func stores() throws -> [ZarrArray] { try sampleStores() }
}

/// 700×600 int16, values i·600+j (mod 2^16), stored four ways: v2 zlib, v3 gzip, v3 sharded
/// zstd, N5 gzip.
func sampleStores() throws -> [ZarrArray] {
    let shape = [700, 600]
    let values = ChunkData.fixed((0..<420_000).flatMap { withUnsafeBytes(of: Int16(truncatingIfNeeded: $0).littleEndian, Array.init) })
    do {
        let v2 = try ZarrArray.create(store: MemoryStore(), path: "", metadata: ArrayMetadataV2(shape: shape, chunks: [100, 100], dtype: try V2DataType.parse("<i2"),
                                                                                                compressor: ["id": "zlib", "level": 1]))
        let v3 = try ZarrArray.create(store: MemoryStore(), path: "a", shape: shape, chunks: [256, 333], dataType: "int16", compressors: [["name": "gzip", "configuration": ["level": 1]]])
        let sharded = try ZarrArray.create(store: MemoryStore(), path: "s", metadata: .v3(try ArrayMetadataV3.parse(try JSON.parse(#"""
            {"zarr_format":3,"node_type":"array","shape":[700,600],"data_type":"int16","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[300,300]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[100,100],
             "codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":1}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}}]}
            """#))))
        let n5 = try ZarrArray.create(store: MemoryStore(), path: "d", metadata: .n5(DatasetAttributesN5(dimensions: [600, 700], blockSize: [64, 64], dataType: "int16",
                                                                                                        compression: JSONObject([("type", "gzip")])), reversed: true))
        for a in [v2, v3, sharded, n5] { try a.write(values) }
        return [v2, v3, sharded, n5]
    }
}

extension DigestTests {

    func testTileEdgeFollowsRankAndElementSize() {
        XCTAssertEqual(TreeDigest.edge(rank: 2, elementSize: 4), 512)
        XCTAssertEqual(TreeDigest.edge(rank: 3, elementSize: 4), 64)
        XCTAssertEqual(TreeDigest.edge(rank: 1, elementSize: 1), 1 << 20)
        XCTAssertEqual(TreeDigest.edge(rank: 4, elementSize: 4), 16)
        XCTAssertEqual(TreeDigest.edge(rank: 2, elementSize: 8), 256, "2^17 elements: 2^8 per axis")
        XCTAssertEqual(TreeDigest.edge(rank: 1, elementSize: 7), 1 << 17, "floor(2^20/7) = 149796: 2^17")
        XCTAssertEqual(TreeDigest.edge(rank: 0, elementSize: 4), 1)
    }

    /// One float32 element, hashed by the definition's steps with SHA-256 directly.
    func testOneElementByTheDefinition() throws {
        let a = try ZarrArray.create(store: MemoryStore(), path: "", shape: [1], chunks: [1], dataType: "float32")
        let bytes = withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)
        try a.write(.fixed(bytes))
        let tile = Data(SHA256.hash(data: bytes)), row = Data(SHA256.hash(data: tile))
        var header = Data("zarr-tree-v1".utf8)
        for v in [UInt64(1), 1, 1 << 18] { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        let expected = SHA256.hash(data: header + row).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(try TreeDigest.compute(a), expected)
    }

    /// The tree digest is the same for every storage of the same values, and equals the
    /// definition computed from the canonical digests of the tiles as selections.
    func testTreeIgnoresStorageAndMatchesTheTilesBySelection() throws {
        let arrays = try stores()
        let digests = try arrays.map(TreeDigest.compute)
        XCTAssertEqual(Set(digests).count, 1, "\(digests)")
        // int16, rank 2: 512×512 tiles, 2×2 of them, clipped to 188 rows and 88 columns.
        XCTAssertEqual(TreeDigest.edge(arrays[0]), 512)
        var rows: [Data] = []
        for i in 0..<2 {
            var row = Data()
            for j in 0..<2 {
                let tile = try CanonicalDigest.compute(arrays[0], selection: [Slice(i * 512, min(i * 512 + 512, 700)), Slice(j * 512, min(j * 512 + 512, 600))])
                row += Data(Hex.bytes(tile.sha256))
            }
            rows.append(Data(SHA256.hash(data: row)))
        }
        var header = Data("zarr-tree-v1".utf8)
        for v in [UInt64(2), 700, 600, 512] { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        XCTAssertEqual(digests[0], SHA256.hash(data: header + rows[0] + rows[1]).map { String(format: "%02x", $0) }.joined())
        // One value changed changes it.
        try arrays[1].write(.fixed([9, 9]), [Slice(699, 700), Slice(599, 600)])
        XCTAssertNotEqual(try TreeDigest.compute(arrays[1]), digests[0])
    }

    /// Parts cover every row once, follow the stored chunk rows, and join into the whole.
    func testTreePartsJoinIntoTheWhole() throws {
        let big = try ZarrArray.create(store: MemoryStore(), path: "", shape: [3000, 20], chunks: [700, 20], dataType: "uint8")
        try big.write(.fixed((0..<60_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        XCTAssertEqual(TreeDigest.edge(big), 1024)
        let whole = try TreeDigest.hashRows(big, 0..<3)
        for n in 1...5 {
            let ranges = (0..<n).map { TreeDigest.rows(of: Partition(index: $0, count: n), big) }
            XCTAssertEqual(ranges.first?.lowerBound, 0)
            XCTAssertEqual(ranges.last?.upperBound, 3)
            for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            XCTAssertEqual(try ranges.flatMap { try TreeDigest.hashRows(big, $0) }, whole, "N = \(n)")
        }
        // 5 chunk rows of 700 over 3 parts: boundaries at chunk rows 1 and 3 → elements 700 and 2100 → tile rows 0 and 2.
        XCTAssertEqual((0..<3).map { TreeDigest.rows(of: Partition(index: $0, count: 3), big) }, [0..<0, 0..<2, 2..<3])
    }

    /// A selection's digest is the digest of the sub-array it selects, across chunk rows.
    func testSelectionDigest() throws {
        let a = try ZarrArray.create(store: MemoryStore(), path: "", shape: [10, 7], chunks: [3, 4], dataType: "int32")
        try a.write(.fixed((0..<70).flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }))
        let picked = stride(from: 2, to: 9, by: 3).flatMap { i in stride(from: 1, to: 7, by: 2).map { j in Int32(i * 7 + j) } }
        let result = try CanonicalDigest.compute(a, selection: [Slice(2, 9, step: 3), Slice(1, 7, step: 2)])
        XCTAssertEqual(result.sha256, CanonicalDigest.of(.fixed(picked.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })))
        XCTAssertEqual(result.elementCount, 9)
    }

    /// DANDI's JSON escapes as Python's json.dumps (ensure_ascii): \uXXXX, surrogate pairs.
    func testDandiNamesAreEscapedAsPythonDoes() {
        XCTAssertEqual(DandiDigest.pythonJSON("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(DandiDigest.pythonJSON("é"), #""\u00e9""#)
        XCTAssertEqual(DandiDigest.pythonJSON("😀"), #""\ud83d\ude00""#)
        XCTAssertEqual(DandiDigest.pythonJSON("\u{7F}\t"), #""\u007f\t""#)
        // The empty tree: md5 of {"directories":[],"files":[]}, as zarr_checksum's EMPTY_CHECKSUM.
        XCTAssertEqual(DandiDigest.digest([]).digest, Insecure.MD5.hash(data: Array(#"{"directories":[],"files":[]}"#.utf8)).map { String(format: "%02x", $0) }.joined() + "-0--0")
    }

    /// Parts of any count fold to the digest of the whole store.
    func testDandiPartsJoinIntoTheWhole() throws {
        let store = MemoryStore()
        let files = [".zgroup": "{}", "a/.zarray": "{\"x\":1}", "a/0.0": "aa", "a/0.1": "b", "b/c/0/0": "1", "b/c/0/1": "22", "b/c/1/0": "333",
                     "b/zarr.json": "{}", "é/x": "e", "z": "zz"]
        for (k, v) in files { try store.set(k, Array(v.utf8)) }
        let keys = DandiDigest.sorted(try store.list(prefix: ""))
        let whole = DandiDigest.digest(try DandiDigest.part(store, keys: keys, partition: .whole))
        XCTAssertEqual(whole.files, 10)
        XCTAssertEqual(whole.bytes, files.values.reduce(0) { $0 + $1.utf8.count })
        // One process folds the top directories: the root's own files and a, b, é.
        XCTAssertEqual(try DandiDigest.part(store, keys: keys, partition: .whole).count, 5)
        for n in 2...11 {
            let parts = try (0..<n).flatMap { try DandiDigest.part(store, keys: keys, partition: Partition(index: $0, count: n)) }
            XCTAssertEqual(DandiDigest.digest(parts), whole, "N = \(n)")
        }
        // By hand: directory b/c/0 holds files 0 and 1.
        let c0 = DandiDigest.digest([DandiDigest.Entry(path: "0", digest: md5("1"), size: 1, count: 1, isDirectory: false),
                                     DandiDigest.Entry(path: "1", digest: md5("22"), size: 2, count: 1, isDirectory: false)])
        let json = "{\"directories\":[],\"files\":[{\"digest\":\"\(md5("1"))\",\"name\":\"0\",\"size\":1},{\"digest\":\"\(md5("22"))\",\"name\":\"1\",\"size\":2}]}"
        XCTAssertEqual(c0.digest, md5(json) + "-2--3")
    }

    func md5(_ s: String) -> String { Insecure.MD5.hash(data: Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
}

enum Hex {
    static func bytes(_ hex: String) -> [UInt8] {
        let d = Array(hex.utf8)
        return stride(from: 0, to: d.count, by: 2).compactMap { UInt8(String(decoding: d[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}
