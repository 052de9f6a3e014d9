import ArgumentParser
import Foundation
import ZarrConformance
import ZarrCore

struct Manifest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every key of a store with its size and SHA-256, as JSON (for validate --expect-chunks FILE).",
        discussion: "Keys are the store's regular files, as validate walks them; links out of the store and special files are not listed (a warning says so), and what cannot be read exits 3. Nothing is written to the store."
    )
    @Argument(help: "The store's directory.") var path: String

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            FileHandle.standardError.write(Data("error: key '\(path)': no such directory\n".utf8))
            throw ExitCode(3)
        }
        let manifest = try readOrExit {
            try StoreManifest.make(root: path) { key, why in FileHandle.standardError.write(Data("warning: '\(key)' is not listed: \(why)\n".utf8)) }
        }
        print(manifest.json.serialized(indent: 1))
    }
}
