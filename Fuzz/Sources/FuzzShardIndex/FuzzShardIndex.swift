import FuzzDriver
import ZarrFuzzing

/// libFuzzer's entry point: one input through `FuzzHarness.shardIndex`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { FuzzDriver.input(data, size, FuzzHarness.shardIndex) }

@main enum Main { static func main() { FuzzDriver.run(fuzz) } }
