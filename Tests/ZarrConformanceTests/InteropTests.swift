import Foundation
import XCTest
@testable import ZarrConformance
import ZarrCore

/// Issue 18 on the committed fixtures of Vectors/generators/interop.py: what the CLI and validate
/// say about them, and how printed elements are compared.
final class InteropTests: XCTestCase {
    static let interop = FixtureTests.vectors + "/fixtures/interop"

    func digest(_ out: String) throws -> String? { try JSON.parse(out)["sha256"]?.stringValue }

    func testDualFormatStoresPreferZarrJSONWithOneWarningLine() throws {
        let store = Self.interop + "/zarr-python-3.1.6/dual-disagree.zarr"
        let v3 = try XCTUnwrap(try Catalog.expectedDigest(id: "v3/zarr-python-3.1.6/dual-disagree"))
        let v2 = try XCTUnwrap(try Catalog.expectedDigest(id: "v2/zarr-python-3.1.6/dual-disagree"))
        XCTAssertNotEqual(v3, v2, "the two documents have different fill values (V3-01, V2-52)")
        let plain = try runCLI(["digest", store, "--node", "a"])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertEqual(try digest(plain.out), v3)
        XCTAssertEqual(plain.err, "warning: 'a' has both zarr.json and .zarray; reading zarr.json (Zarr v3), as zarr-python 3 does (--zarr-format 2 reads the v2 metadata)\n")
        let two = try runCLI(["digest", store, "--node", "a", "--zarr-format", "2"])
        XCTAssertEqual(two.status, 0, two.err)
        XCTAssertEqual(try digest(two.out), v2)
        XCTAssertEqual(two.err, "")
        let three = try runCLI(["digest", store, "--node", "a", "--zarr-format", "3"])
        XCTAssertEqual(try digest(three.out), v3)
        XCTAssertEqual(three.err, "")
        let info = try runCLI(["info", store, "--json"])
        XCTAssertEqual(try JSON.parse(info.out)["format"], "v3")
        XCTAssertTrue(info.err.hasPrefix("warning: the root has both zarr.json and .zgroup"), info.err)
        XCTAssertEqual(try JSON.parse(try runCLI(["info", store, "--json", "--zarr-format", "2"]).out)["format"], "v2")
        XCTAssertEqual(try runCLI(["cat", "--array_path", store, "--node", "a", "--zarr-format", "2"]).out.split(separator: "\n").last, "2")
        XCTAssertEqual(try runCLI(["digest", store, "--node", "a", "--zarr-format", "4"]).status, 2)
        let missing = try runCLI(["digest", FixtureTests.vectors + "/fixtures/v2/zarr-python-2.18.7/dtype-bi8.zarr", "--zarr-format", "3"])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.err.contains("zarr.json"), missing.err)
    }

    func findings(_ store: String) throws -> [Finding] {
        try Validator().validate(root: Self.interop + "/" + store).findings.filter { $0.severity != .info }
    }

    func testValidateSaysWhatReadersDoWithTheInteropStores() throws {
        // Both formats: a warning per directory naming who reads which, and whether they agree.
        let agree = try findings("zarr-python-3.1.6/dual-agree.zarr")
        XCTAssertEqual(agree.map(\.rule), ["structure.markers.dual-format", "structure.markers.dual-format"])
        XCTAssertTrue(agree.allSatisfy { $0.severity == .warning })
        XCTAssertTrue(agree[1].message.hasSuffix("both describe the same array"), agree[1].message)
        XCTAssertTrue(agree[0].message.contains("zarr-python 3, zarrs, z5py and this implementation read zarr.json"), agree[0].message)
        let disagree = try findings("zarr-python-3.1.6/dual-disagree.zarr").map(\.message)
        XCTAssertTrue(disagree.contains { $0.hasSuffix("they differ in fill values: readers of the two formats see different values") }, "\(disagree)")

        // v2 fill_value 0 on S, U and bool: the readers' split, per kind.
        for (store, says) in [("fillzero-bytes", #"zarr-python 2 reads the fill as b"0", this implementation as zero bytes"#),
                              ("fillzero-unicode", "zarr-python 3 refuses the array"), ("fillzero-bool", "tensorstore refuses the array")] {
            let found = try findings("zarr-python-2.18.7/\(store).zarr")
            XCTAssertEqual(found.map(\.rule), ["producer.zarr-python-2.fill-value-zero"], store)
            XCTAssertTrue(found.first?.message.contains(says) ?? false, "\(store): \(found)")
        }

        // Chunks under nested keys that .zarray does not declare: one finding with the fix, no generic ones.
        let nested = try findings("zarr-python-2.18.7/nestedkeys-undeclared.zarr")
        XCTAssertEqual(nested.map(\.rule), ["structure.v2.nested-keys-undeclared"])
        XCTAssertEqual(nested.first?.path, ".zarray")
        XCTAssertEqual(nested.first?.message, #"4 chunks are stored under nested keys (0/0) but .zarray declares no dimension_separator (V2-18: "."): "#
            + #"readers look for keys such as 0.0 and every reader returns only fill values. Fix: add "dimension_separator": "/" to .zarray"#)

        // N5 containers without a root version (N5-03): a warning, and the dataset still reads.
        for store in ["noversion-root-attributes.n5", "noversion-no-root-file.n5"] {
            let found = try findings("tensorstore-0.1.86/" + store)
            XCTAssertEqual(found.map(\.rule), ["n5.version.missing"], store)
            XCTAssertEqual(found.first?.severity, .warning)
        }

        // json2 and NumPy dtype names are clean.
        for store in ["zarr-python-2.18.7/json2-strings.zarr", "zarr-python-2.18.7/dtypename-delta-int32.zarr", "zarr-python-2.18.7/dtypename-vlen-array.zarr",
                      "zarr-python-3.1.6/dtypename-fixedscaleoffset.zarr"] {
            XCTAssertEqual(try findings(store), [], store)
        }
    }

    func testPicklesAreRefusedWithTheirOwnRule() throws {
        let root = NSTemporaryDirectory() + "pickle-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FilesystemStore(root: root)
        try store.set("zarr.json", Array(#"""
            {"zarr_format":3,"node_type":"array","shape":[2],"data_type":"string","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":"","codecs":[{"name":"numcodecs.pickle","configuration":{"protocol":5}},{"name":"vlen-utf8"}]}
            """#.utf8))
        XCTAssertEqual(try Validator().validate(root: root).findings.filter { $0.severity != .info }.map(\.rule), ["v3.codecs.pickle"])
        XCTAssertThrowsError(try ZarrArray.open(store: store)) { XCTAssertTrue("\($0)".contains("NC-25"), "\($0)") }
    }

    func testDivergenceReportListsTheDualMetadataAndFillValueSplits() throws {
        let divergences = try Divergence.load(vectors: FixtureTests.vectors)
        let dual = divergences.filter { $0.casePattern.contains("dual-") }
        let fill = divergences.filter { $0.casePattern.contains("fillzero-") }
        XCTAssertEqual(Set(dual.map(\.reader)), ["zarr-python-3.1.6", "zarr-python-2.18.7", "tensorstore-0.1.86", "z5py-3.0.2"])
        // zarrita refuses the Base64 fill this implementation writes for the same stores (V2-41).
        XCTAssertEqual(Set(fill.map(\.reader)), ["zarr-python-3.1.6", "zarrs-python-0.2.3", "tensorstore-0.1.86", "zarrita-0.2.7"])
        XCTAssertEqual(Set((dual + fill).map(\.requirement)), ["V3-01", "V2-02", "V2-45", "V2-41"])
        // Rendered in the report's Divergences section, with the cells each covers.
        let cell = CellResult(caseID: "v2/zarr-python-2.18.7/fillzero-bytes", format: "v2", family: "fillzero", writer: "zarr-python-2.18.7",
                              reader: "tensorstore-0.1.86", outcome: .error, message: "", requirements: ["V2-45"])
        let section = Reports.divergenceSection([cell], divergences)
        XCTAssertTrue(section.contains("| tensorstore-0.1.86 | v2 zarr-python-2.18.7/fillzero- | V2-45 | 1 | Fill-value split."), section)
        XCTAssertTrue(section.contains("| z5py-3.0.2 | v2 zarr-python-3.1.6/dual-disagree | V2-02 | 0 | Dual-metadata split."), section)
    }

    // MARK: Printed elements compared by value

    func testPrintedElementsCompareByValueNotRepresentation() {
        let f4 = DataType.float(bits: 32)
        XCTAssertTrue(PrintedValues.equal("1000.1", "1000.0999755859375", type: f4))
        XCTAssertTrue(PrintedValues.equal("1000.1", "\"1000.1\"", type: f4))
        XCTAssertFalse(PrintedValues.equal("1000.1", "1000.0999755859375", type: .float(bits: 64)), "distinct doubles")
        XCTAssertFalse(PrintedValues.equal("1000.1", "1000.2", type: f4))
        for nan in ["NaN", "nan", "\"nan\"", "-nan", "\"0x7fc00001\"", "\"0xffc00000\""] { XCTAssertTrue(PrintedValues.equal("\"NaN\"", nan, type: f4), nan) }
        XCTAssertFalse(PrintedValues.equal("\"NaN\"", "\"Infinity\"", type: f4))
        for inf in ["inf", "Infinity", "\"inf\"", "\"0x7f800000\""] { XCTAssertTrue(PrintedValues.equal("\"Infinity\"", inf, type: f4), inf) }
        XCTAssertTrue(PrintedValues.equal("\"-Infinity\"", "-inf", type: f4))
        XCTAssertFalse(PrintedValues.equal("0.0", "-0.0", type: f4), "a signed zero keeps its sign")
        XCTAssertTrue(PrintedValues.equal("0.1", "0.0999755859375", type: .float(bits: 16)))
        XCTAssertTrue(PrintedValues.equal("1000.0", "1000.1", type: .bfloat16))
        XCTAssertTrue(PrintedValues.equal("0.3", "0.3125", type: .smallFloat(SmallFloatFormat.named("float8_e4m3fn") ?? .bfloat16)))
        XCTAssertTrue(PrintedValues.equal("[1000.1,\"NaN\"]", "[1000.0999755859375, nan]", type: .complex(bits: 64)))
        XCTAssertFalse(PrintedValues.equal("[1,2]", "[2,1]", type: .complex(bits: 64)))

        XCTAssertTrue(PrintedValues.equal("3", "3.0", type: .int(bits: 32)))
        XCTAssertFalse(PrintedValues.equal("3", "4", type: .int(bits: 32)))
        XCTAssertFalse(PrintedValues.equal("18446744073709551615", "18446744073709551614", type: .uint(bits: 64)), "no rounding through a double")
        XCTAssertTrue(PrintedValues.equal("\"NaT\"", "-9223372036854775808", type: .datetime64(TimeUnit(unit: "ns"))))
        for t in ["1", "True", "\"true\""] { XCTAssertTrue(PrintedValues.equal("true", t, type: .bool), t) }
        XCTAssertFalse(PrintedValues.equal("true", "0", type: .bool))

        // |S: this tool prints Base64; other CLIs print text with trailing NULs stripped.
        let s4 = DataType.fixedBytes(4)
        XCTAssertTrue(PrintedValues.equal("\"YWIAAA==\"", "ab", type: s4))
        XCTAssertTrue(PrintedValues.equal("\"YWIAAA==\"", "\"ab\"", type: s4))
        XCTAssertTrue(PrintedValues.equal("\"YWI=\"", "\"YWIAAA==\"", type: s4))
        XCTAssertFalse(PrintedValues.equal("\"YWIAAA==\"", "\"abc\"", type: s4))
        XCTAssertTrue(PrintedValues.equal("\"AAAAAA==\"", "\"\"", type: s4))
        XCTAssertTrue(PrintedValues.equal("\"3q2+7w==\"", "\"3q2+7w==\"", type: s4), "bytes that are not text compare as Base64")
        XCTAssertTrue(PrintedValues.equal("\"aGk=\"", "hi", type: .bytes))
        XCTAssertTrue(PrintedValues.equal("\"ab\"", "\"ab\\u0000\"", type: .fixedUnicode(3)))
        XCTAssertFalse(PrintedValues.equal("\"ab\"", "\"ab \"", type: .string))
        XCTAssertTrue(PrintedValues.equal("[0,255]", "\"AP8=\"", type: .raw(2)))
    }

    func testFirstMismatchFindsTheElementOrTheShortListing() {
        let f4 = DataType.float(bits: 32)
        XCTAssertNil(PrintedValues.firstMismatch(["1000.1", "\"NaN\""], ["1000.0999755859375", "nan"], type: f4))
        XCTAssertEqual(PrintedValues.firstMismatch(["1.0", "2.0", "3.0"], ["1", "2.5", "3"], type: f4)?.index, 1)
        let short = PrintedValues.firstMismatch(["1.0", "2.0"], ["1.0"], type: f4)
        XCTAssertEqual(short?.index, 1)
        XCTAssertNil(short?.actual ?? nil)
    }

    func testOurCatOutputMatchesAnotherRepresentationOfTheSameFixture() throws {
        // json2-float32 printed by this tool (shortest float32 digits) against the doubles numcodecs
        // stored for the same elements (Python's repr of each float32 as a double).
        let store = Self.interop + "/zarr-python-2.18.7/json2-float32.zarr"
        let ours = try runCLI(["cat", "--array_path", store]).out.split(separator: "\n").map(String.init)
        XCTAssertEqual(ours.count, 20)
        guard case .array(let array) = try ZarrNode.open(store: FilesystemStore(root: store)) else { return XCTFail("not an array") }
        let doubles = try array.read()
        guard case .fixed(let bytes) = doubles else { return XCTFail("not fixed") }
        let theirs: [String] = stride(from: 0, to: bytes.count, by: 4).map { i in
            let f = Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            return f.isNaN ? "nan" : f.isInfinite ? (f < 0 ? "-inf" : "inf") : "\(Double(f))"
        }
        XCTAssertNil(PrintedValues.firstMismatch(ours, theirs, type: .float(bits: 32)))
        XCTAssertNotEqual(ours, theirs, "the representations differ")
    }
}
