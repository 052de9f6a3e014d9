import ZarrCore

/// The checks every store passes (V3-101…V3-104, ST-04, ST-09, ST-10): one call tests a new one.
/// The store must be empty and writable; it is left holding a few keys under `prefix`.
public enum StoreConformance {
    public static func check(_ store: any Store, prefix: String = "conformance/") throws {
        var e = Expectations()
        let value = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let key = prefix + "a/b/c"

        // ST-10: a missing key reads as nil, never as an error.
        e.expect(e.noError("get of a missing key") { try store.get(prefix + "missing") } == .some(nil), "a missing key reads as nil")
        e.expect(e.noError("size of a missing key") { try store.size(prefix + "missing") } == .some(nil), "a missing key has no size")

        _ = e.noError("set") { try store.set(key, value) }
        e.expect(e.noError("get") { try store.get(key) } == value, "a value reads back as written")
        e.expect(e.noError("size") { try store.size(key) } == value.count, "size is the value's byte count")
        _ = e.noError("overwrite") { try store.set(key, [1, 2, 3]) }
        e.expect(e.noError("get after overwrite") { try store.get(key) } == [1, 2, 3], "a second set replaces the value")
        _ = e.noError("set") { try store.set(key, value) }
        _ = e.noError("set empty") { try store.set(prefix + "empty", []) }
        e.expect(e.noError("get empty") { try store.get(prefix + "empty") } == [], "an empty value is present, not missing")

        // ST-09: byte ranges, suffix ranges included; out of bounds is an error, never a short read.
        e.expect(e.noError("range") { try store.get(key, range: .range(offset: 10, length: 20)) } == Array(value[10..<30]), "offset and length")
        e.expect(e.noError("suffix") { try store.get(key, range: .suffix(16)) } == Array(value.suffix(16)), "suffix range")
        e.expect(e.noError("empty range") { try store.get(key, range: .range(offset: 1000, length: 0)) } == [], "an empty range at the end")
        e.expectError("a range past the end") { try store.get(key, range: .range(offset: 990, length: 20)) }
        e.expectError("a suffix longer than the value") { try store.get(key, range: .suffix(1001)) }
        e.expect(e.noError("range of a missing key") { try store.get(prefix + "missing", range: .suffix(4)) } == .some(nil), "a range of a missing key is nil")

        // A stored size is a claim like any other: a value larger than the caller's limit is refused.
        e.expectError("a value over the limit") { try store.get(key, range: .all, limit: 999) }
        e.expect(e.noError("a value at the limit") { try store.get(key, range: .all, limit: 1000) } == value, "a value at the limit reads")

        // Listing (V3-103).
        _ = e.noError("set sibling") { try store.set(prefix + "a/d", [9]) }
        let listed = e.noError("list") { try store.list(prefix: prefix) }.map(Set.init)
        e.expect(listed == [key, prefix + "a/d", prefix + "empty"], "list(prefix:) gives every key under the prefix: \(listed.map { $0.sorted() } ?? [])")
        if let dir = e.noError("listDir", { try store.listDir(prefix + "a/") }) {
            e.expect(dir.keys == ["d"] && dir.prefixes == ["b"], "listDir gives the keys and child prefixes directly under a prefix: \(dir)")
        }

        // Erase (V3-104): the key goes; erasing a missing key is no error.
        _ = e.noError("erase") { try store.erase(prefix + "a/d") }
        e.expect(e.noError("get after erase") { try store.get(prefix + "a/d") } == .some(nil), "an erased key reads as nil")
        _ = e.noError("erase of a missing key") { try store.erase(prefix + "a/d") }

        // ST-04: keys that would leave the store or are not keys at all.
        for bad in ["", "/abs", prefix + "a/../b", prefix + "a//b", prefix + "./a", prefix + "a\\b", prefix + "nul\u{0}"] {
            e.expectError("get of invalid key '\(bad)'") { try store.get(bad) }
            e.expectError("set of invalid key '\(bad)'") { try store.set(bad, [0]) }
        }
        try e.done()
    }
}
