import Foundation
import XCTest
@testable import ZarrConformance
@testable import ZarrCore

/// Vectors/extension-registry.json: every registered name, and a status that is true.
final class ExtensionRegistryTests: XCTestCase {
    static let points: [(String, RegisteredExtensions.Point)] = [
        ("codecs", .codec), ("data_types", .dataType), ("chunk_grids", .chunkGrid), ("chunk_key_encodings", .chunkKeyEncoding),
    ]

    func registry() throws -> JSON {
        try JSON.parse(Array(try XCTUnwrap(FileManager.default.contents(atPath: FixtureTests.vectors + "/extension-registry.json"))))
    }

    func testListsEveryRegisteredNameOnceWithAStatus() throws {
        let json = try registry()
        var notImplemented: Set<String> = []
        for (member, point) in Self.points {
            let entries = try XCTUnwrap(json[member]?.arrayValue, member)
            let names = entries.compactMap { $0["name"]?.stringValue }
            XCTAssertEqual(names.count, Set(names).count, "\(member): each name once")
            XCTAssertEqual(Set(names), RegisteredExtensions.names[point], member)
            for e in entries {
                let status = e["status"]?.stringValue ?? ""
                XCTAssertTrue(["read and write", "read only", "not implemented"].contains(status), "\(e)")
                XCTAssertFalse(e["why"]?.stringValue?.isEmpty ?? true, "\(e): why")
                if status == "not implemented" { notImplemented.insert(e["name"]?.stringValue ?? "") }
                if status == "read and write" { XCTAssertNotNil(e["example"], "\(e): an example to write") }
            }
        }
        XCTAssertEqual(notImplemented, Set(RegisteredExtensions.notSupported.keys))
        XCTAssertEqual(json["storage_transformers"], [])
        XCTAssertEqual(RegisteredExtensions.names[.storageTransformer], [])
    }

    /// A 4×6 array written with the entry's example and read back.
    func roundTrip(_ name: String, _ example: JSON) throws {
        var doc = JSONObject()
        doc["zarr_format"] = 3
        doc["node_type"] = "array"
        doc["shape"] = [4, 6]
        doc["data_type"] = example["data_type"]
        doc["fill_value"] = example["fill_value"]
        doc["codecs"] = example["codecs"]
        doc["chunk_grid"] = example["chunk_grid"] ?? ["name": "regular", "configuration": ["chunk_shape": example["chunk_shape"] ?? [3, 4]]]
        doc["chunk_key_encoding"] = example["chunk_key_encoding"] ?? ["name": "default"]
        let store = MemoryStore()
        let array = try ZarrArray.create(store: store, path: "a", metadata: .v3(try ArrayMetadataV3.parse(.object(doc))))
        let data = try DataRecipe.make(["recipe": "arange", "start": 1], array: array)
        try array.write(data)
        XCTAssertEqual(try ZarrArray.open(store: store, path: "a").read(), data, name)
        let written = try XCTUnwrap(try store.get("a/zarr.json"))
        XCTAssertTrue(String(decoding: written, as: UTF8.self).contains("\"\(name == "r" ? "r16" : name)\""), "\(name) is named in the metadata written")
        XCTAssertTrue(try store.list(prefix: "a/").count > 1, "\(name): chunks written")
    }

    func testEveryReadAndWriteEntryRoundTrips() throws {
        let json = try registry()
        var count = 0
        for (member, _) in Self.points {
            for e in json[member]?.arrayValue ?? [] where e["status"]?.stringValue == "read and write" {
                let name = try XCTUnwrap(e["name"]?.stringValue)
                XCTAssertNoThrow(try roundTrip(name, try XCTUnwrap(e["example"])), "\(member) \(name)")
                count += 1
            }
        }
        XCTAssertEqual(count, 17 + 50 + 2 + 2, "every codec, every data type but structured, both grids and encodings")
    }

    func testReadOnlyAndNotImplementedEntries() throws {
        // structured (EX-D15) reads and is written back as struct.
        let legacy = try JSON.parse(#"{"zarr_format":3,"node_type":"array","shape":[2],"data_type":{"name":"structured","configuration":{"fields":[["a","int32"],["b","uint8"]]}},"chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"chunk_key_encoding":{"name":"default"},"fill_value":"AQAAAAI=","codecs":[{"name":"bytes"}]}"#)
        let written = try ArrayMetadataV3.parse(legacy).json
        XCTAssertEqual(written["data_type"]?["name"], "struct")
        XCTAssertEqual(written["fill_value"], ["a": 1, "b": 2])
        XCTAssertEqual(written["codecs"], [["name": "bytes", "configuration": ["endian": "little"]]])
        XCTAssertEqual(try ArrayMetadataV3.parse(written).fillValue, try ArrayMetadataV3.parse(legacy).fillValue)
        // A name the registry does not have is said to be unregistered.
        var unknown = legacy.objectValue!
        unknown["data_type"] = "float32"
        unknown["fill_value"] = .number("0.0")
        unknown["codecs"] = [["name": "bytes", "configuration": ["endian": "little"]], ["name": "zfp-nonexistent"]]
        XCTAssertThrowsError(try ArrayMetadataV3.parse(.object(unknown)).codecChain()) {
            XCTAssertTrue("\($0)".contains("is not registered in zarr-extensions"), "\($0)")
        }
    }
}
