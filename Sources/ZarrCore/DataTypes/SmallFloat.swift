import Foundation

/// The registered float formats narrower than float16 (EX-D03…EX-D05), and bfloat16, described by
/// their bit fields; conversion from Double rounds to nearest, ties to even.
public struct SmallFloatFormat: Equatable, Hashable, Sendable {
    public enum Specials: Sendable { case ieee, finiteOnly, nanIsNegativeZero, unsignedExponentOnly, nanIsAllOnes }
    public let name: String
    public let exponentBits: Int
    public let mantissaBits: Int
    public let bias: Int
    public let specials: Specials
    /// The canonical NaN code, when the format has NaN.
    public let nan: UInt32?

    public var hasSign: Bool { specials != .unsignedExponentOnly }
    public var bits: Int { (hasSign ? 1 : 0) + exponentBits + mantissaBits }

    public static let all: [SmallFloatFormat] = [
        .init(name: "float8_e3m4", exponentBits: 3, mantissaBits: 4, bias: 3, specials: .ieee, nan: 0x78),
        .init(name: "float8_e4m3", exponentBits: 4, mantissaBits: 3, bias: 7, specials: .ieee, nan: 0x7C),
        .init(name: "float8_e5m2", exponentBits: 5, mantissaBits: 2, bias: 15, specials: .ieee, nan: 0x7E),
        .init(name: "float8_e4m3fnuz", exponentBits: 4, mantissaBits: 3, bias: 8, specials: .nanIsNegativeZero, nan: 0x80),
        .init(name: "float8_e4m3b11fnuz", exponentBits: 4, mantissaBits: 3, bias: 11, specials: .nanIsNegativeZero, nan: 0x80),
        .init(name: "float8_e5m2fnuz", exponentBits: 5, mantissaBits: 2, bias: 16, specials: .nanIsNegativeZero, nan: 0x80),
        .init(name: "float8_e8m0fnu", exponentBits: 8, mantissaBits: 0, bias: 127, specials: .unsignedExponentOnly, nan: 0xFF),
        .init(name: "float6_e2m3fn", exponentBits: 2, mantissaBits: 3, bias: 1, specials: .finiteOnly, nan: nil),
        .init(name: "float6_e3m2fn", exponentBits: 3, mantissaBits: 2, bias: 3, specials: .finiteOnly, nan: nil),
        .init(name: "float4_e2m1fn", exponentBits: 2, mantissaBits: 1, bias: 1, specials: .finiteOnly, nan: nil),
        // Not registered: tensorstore (and ml_dtypes) write it; no infinity, NaN is S.1111.111.
        .init(name: "float8_e4m3fn", exponentBits: 4, mantissaBits: 3, bias: 7, specials: .nanIsAllOnes, nan: 0x7F),
    ]
    public static let bfloat16 = SmallFloatFormat(name: "bfloat16", exponentBits: 8, mantissaBits: 7, bias: 127, specials: .ieee, nan: 0x7FC0)
    public static let float16 = SmallFloatFormat(name: "float16", exponentBits: 5, mantissaBits: 10, bias: 15, specials: .ieee, nan: 0x7E00)

    public static func named(_ name: String) -> SmallFloatFormat? { all.first { $0.name == name } }

    var hasInfinity: Bool { specials == .ieee }
    var signBit: UInt32 { hasSign ? 1 << UInt32(exponentBits + mantissaBits) : 0 }
    var maxExponentCode: Int { (1 << exponentBits) - 1 }

    /// The value of a code (its low `bits` bits).
    public func decode(_ code: UInt32) -> Double {
        let code = code & ((1 << UInt32(bits)) - 1)
        if let nan, code == nan, specials != .ieee { return .nan }
        if specials == .nanIsAllOnes, code & ~signBit == nan { return .nan }
        let negative = hasSign && code & signBit != 0
        let e = Int(code >> UInt32(mantissaBits)) & maxExponentCode
        let m = Int(code) & ((1 << mantissaBits) - 1)
        var value: Double
        if specials == .ieee && e == maxExponentCode {
            value = m == 0 ? .infinity : .nan
        } else if specials == .unsignedExponentOnly {
            value = Double(sign: .plus, exponent: e - bias, significand: 1)
        } else if e == 0 {
            value = Double(m) * Double(sign: .plus, exponent: 1 - bias - mantissaBits, significand: 1)
        } else {
            value = (1 + Double(m) / Double(1 << mantissaBits)) * Double(sign: .plus, exponent: e - bias, significand: 1)
        }
        return negative ? -value : value
    }

    /// The code nearest to `x` (ties to even); nil when `x` has no representation (NaN or
    /// infinity in a format without them, a finite value beyond a finite-only format's range).
    public func encode(_ x: Double) -> UInt32? {
        if x.isNaN { return nan }
        let sign: UInt32 = x.sign == .minus && hasSign ? signBit : 0
        if !hasSign && x.sign == .minus && x != 0 { return nil }
        let a = abs(x)
        if a.isInfinite { return hasInfinity ? sign | UInt32(maxExponentCode) << UInt32(mantissaBits) : nil }
        // e8m0 has no zero and no sign: the nearest value to zero or anything below 2^-127 is code 0.
        if specials == .unsignedExponentOnly && (a == 0 || x < 0 || Int(a.exponent) < -bias) { return 0 }
        if a == 0 { return specials == .nanIsNegativeZero ? 0 : sign }
        let minNormal = 1 - bias
        let exponent = specials == .unsignedExponentOnly ? a.exponent : max(Int(a.exponent), minNormal)
        let quantum = Double(sign: .plus, exponent: Int(exponent) - mantissaBits, significand: 1)
        let rounded = (a / quantum).rounded(.toNearestOrEven) * quantum
        if rounded == 0 { return specials == .nanIsNegativeZero ? 0 : sign }
        // Re-derive the fields of the rounded value; rounding may carry into the next binade.
        let e: Int, m: Int
        if specials != .unsignedExponentOnly && rounded < Double(sign: .plus, exponent: minNormal, significand: 1) {
            e = 0
            m = Int(rounded / Double(sign: .plus, exponent: minNormal - mantissaBits, significand: 1))
        } else {
            e = Int(rounded.exponent) + bias
            m = Int(rounded.significand * Double(1 << mantissaBits)) - (1 << mantissaBits)
        }
        let largestExponent = specials == .ieee ? maxExponentCode - 1 : maxExponentCode
        if e > largestExponent { return hasInfinity ? sign | UInt32(maxExponentCode) << UInt32(mantissaBits) : nil }
        let code = sign | UInt32(e) << UInt32(mantissaBits) | UInt32(m)
        // e8m0's all-ones code is NaN, not 2^128; so is e4m3fn's S.1111.111 (a finite value past 448).
        if specials == .unsignedExponentOnly, code == nan { return nil }
        if specials == .nanIsAllOnes, code & ~signBit == nan { return nil }
        return code
    }

    /// The shortest decimal that reads back as `code` in this format (`cat` prints elements at
    /// their own precision): a finite value's decimal with the fewest significant digits.
    public func shortestDecimal(_ code: UInt32) -> String {
        let value = decode(code)
        guard value.isFinite else { return JSON.format(value) }
        for digits in 1...17 {
            let text = String(format: "%.\(digits - 1)e", value)
            if let parsed = Double(text), encode(parsed) == code & ((1 << UInt32(bits)) - 1) { return JSON.format(parsed) }
        }
        return JSON.format(value)
    }
}
