#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's driver, from the runtime that `-sanitize=fuzzer` links in.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// What every fuzz target shares. SwiftPM links a Swift executable with `main` redirected to
/// `<Target>_main`, which keeps libFuzzer's own `main` out of the link: each target's `@main`
/// hands the command line to libFuzzer through `run`.
public enum FuzzDriver {
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// One input (libFuzzer may pass a null pointer for the empty input) through a harness.
    public static func input(_ data: UnsafePointer<UInt8>?, _ size: Int, _ harness: ([UInt8]) -> Void) -> CInt {
        harness(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
