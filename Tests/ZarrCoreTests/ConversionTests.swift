import XCTest
@testable import ZarrCore

/// `convert`: every format, compressor, chunk and shard shape keeps the values (issue 12).
final class ConversionTests: XCTestCase {
    func testEveryFormatIntoEveryFormatKeepsTheValues() throws {
        let sources = try sampleStores()
        let expected = try CanonicalDigest.compute(sources[0]).sha256
        let targets: [ArrayConversion] = [
            ArrayConversion(format: .v2, chunks: [128, 256], compressor: .blosc(cname: "lz4", clevel: 5, shuffle: "shuffle")),
            ArrayConversion(format: .v3, compressor: .zstd(level: 3)),
            ArrayConversion(format: .v3, chunks: [50, 60], shards: [200, 300], compressor: .gzip(level: 1)),
            ArrayConversion(format: .n5, chunks: [64, 100], compressor: .gzip(level: 6)),
            ArrayConversion(format: .v2, compressor: .none),
        ]
        for (i, source) in sources.enumerated() {
            for (j, target) in targets.enumerated() {
                let out = try target.convert(source, to: MemoryStore(), path: "out")
                XCTAssertEqual(out.metadata.format, target.format)
                XCTAssertEqual(out.shape, source.shape)
                XCTAssertEqual(try CanonicalDigest.compute(out).sha256, expected, "source \(i) → target \(j)")
                XCTAssertEqual(try TreeDigest.compute(out), try TreeDigest.compute(source))
            }
        }
        // What was asked for is what is stored.
        let sharded = try targets[2].convert(sources[0], to: MemoryStore(), path: "")
        XCTAssertEqual(sharded.chunkShape, [200, 300])
        guard case .v3(let m3) = sharded.metadata else { return XCTFail("not v3") }
        XCTAssertEqual(m3.codecs.first?["name"], "sharding_indexed")
        XCTAssertEqual(m3.codecs.first?["configuration"]?["chunk_shape"], [50, 60])
        let v2 = try targets[0].convert(sources[0], to: MemoryStore(), path: "")
        guard case .v2(let m) = v2.metadata else { return XCTFail("not v2") }
        XCTAssertEqual(m.chunks, [128, 256])
        XCTAssertEqual(m.compressor["cname"], "lz4")
    }

    func testFillValueAndAttributesAreKept() throws {
        let store = MemoryStore()
        let source = try ZarrArray.create(store: store, path: "a", shape: [5, 5], chunks: [2, 2], dataType: "float64", fillValue: .number("-1.5"),
                                          attributes: JSONObject([("units", "m")]))
        try source.write(ChunkData.fixed(Array(repeating: 0, count: 8 * 4)), [Slice(0, 2), Slice(0, 2)])
        for format in [ZarrFormat.v2, .v3] {
            let out = try ArrayConversion(format: format).convert(source, to: MemoryStore(), path: "b")
            XCTAssertEqual(out.fillValue, source.fillValue, "\(format)")
            XCTAssertEqual(try out.attributes["units"], "m")
            XCTAssertEqual(try CanonicalDigest.compute(out).sha256, try CanonicalDigest.compute(source).sha256)
        }
    }

    func testRefusals() throws {
        let source = try ZarrArray.create(store: MemoryStore(), path: "", shape: [10], chunks: [5], dataType: "int8")
        XCTAssertThrowsError(try ArrayConversion(format: .v3, chunks: [4], shards: [10]).metadata(for: source), "10 is not a multiple of 4")
        XCTAssertThrowsError(try ArrayConversion(format: .v2, shards: [10]).metadata(for: source), "shards are v3 only")
        XCTAssertThrowsError(try ArrayConversion(format: .v3, chunks: [4, 4]).metadata(for: source), "rank")
        XCTAssertEqual(ArrayConversion.Compressor(spec: "blosc:zstd:3:bitshuffle"), .blosc(cname: "zstd", clevel: 3, shuffle: "bitshuffle"))
        XCTAssertEqual(ArrayConversion.Compressor(spec: "zstd"), .zstd(level: 1))
        XCTAssertNil(ArrayConversion.Compressor(spec: "gzip:12"))
        XCTAssertNil(ArrayConversion.Compressor(spec: "snappy"))
    }
}
