import Foundation
import ZarrCore

/// The store's files, found without trusting it: a depth limit, no link followed back into the
/// store, every name checked.
struct Walk {
    let root: String
    /// File keys relative to the root, `/`-separated, sorted.
    private(set) var files: [String] = []
    /// Files per directory ("" for the root).
    private(set) var byDirectory: [String: Set<String>] = [:]

    static let markers: Set<String> = [".zarray", ".zgroup", ".zattrs", ".zmetadata", "zarr.json", "attributes.json"]

    init(root: String, maxDepth: Int, sink: FindingSink) {
        self.root = root
        let fm = FileManager.default
        let rootReal = (root as NSString).resolvingSymlinksInPath
        var visited = Set([rootReal])
        var stack: [(String, Int)] = [("", 0)]
        while let (directory, depth) = stack.popLast() {
            let full = directory.isEmpty ? root : root + "/" + directory
            guard let names = try? fm.contentsOfDirectory(atPath: full) else { continue }
            for name in names.sorted() {
                let key = directory.isEmpty ? name : directory + "/" + name
                if name.contains("\\") || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                    sink.add(Finding("structure.key.invalid", key, "the name has a backslash or a control character"))
                }
                if Self.isPartialWrite(name) { sink.add(Finding("structure.partial-write", key, "a leftover temporary file")) }
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: full + "/" + name, isDirectory: &isDirectory) else { continue }  // a dangling link
                if isDirectory.boolValue {
                    let real = (full + "/" + name as NSString).resolvingSymlinksInPath
                    guard visited.insert(real).inserted else {
                        sink.add(Finding("structure.symlink-loop", key, "links to a directory already walked"))
                        continue
                    }
                    guard depth + 1 < maxDepth else {
                        sink.add(Finding("structure.depth", key, "nested more than \(maxDepth) levels deep; not walked further"))
                        continue
                    }
                    stack.append((key, depth + 1))
                } else {
                    files.append(key)
                    byDirectory[directory, default: []].insert(name)
                }
            }
        }
        files.sort()
    }

    static func isPartialWrite(_ name: String) -> Bool {
        (name.hasPrefix(".") && name.hasSuffix(".partial")) || name.hasSuffix(".tmp") || name.hasPrefix(".nfs") || name.hasSuffix("~")
    }

    /// Directories that hold node metadata, shallowest first.
    func nodeDirectories() -> [String] {
        byDirectory.filter { !$0.value.isDisjoint(with: Self.markers) }.keys
            .sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
    }

    func has(_ directory: String, _ name: String) -> Bool { byDirectory[directory]?.contains(name) ?? false }
}
