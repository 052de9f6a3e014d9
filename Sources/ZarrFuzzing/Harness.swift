import ZarrCore

/// Entry points shared by the libFuzzer targets in `Fuzz/` and the replay tests.
public enum FuzzHarness {}
