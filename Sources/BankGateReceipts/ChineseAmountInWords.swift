public import BankGateCore

/// An amount written out in Chinese financial numerals (大写金额), as receipts, cheques and
/// vouchers print it beside the figures: 12 345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分, 100.00 → 壹佰元整.
///
/// Only for currencies with two decimals (yuan, jiao, fen); `nil` otherwise, and for amounts of a
/// trillion (万亿) or more, which no receipt carries.
public enum ChineseAmountInWords {
    static let digits: [Character] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"]
    /// The positions within a group of four digits, from the lowest.
    static let positions = ["", "拾", "佰", "仟"]
    /// The groups of four digits, from the lowest: units, 万, 亿.
    static let groups = ["", "万", "亿"]

    /// The amount in words, or `nil` when it cannot be written so (see the type's note). Negative
    /// amounts are prefixed 负.
    public static func text(_ amount: Money) -> String? {
        guard amount.currency.exponent == 2 else { return nil }
        let magnitude = amount.minorUnits.magnitude
        guard magnitude < 1_000_000_000_000_00 else { return nil }
        let yuan = magnitude / 100, jiao = Int(magnitude / 10 % 10), fen = Int(magnitude % 10)
        var text = amount.minorUnits < 0 ? "负" : ""
        if yuan > 0 {
            text += integerText(yuan) + "元"
        }
        if jiao == 0 && fen == 0 {
            return text + (yuan == 0 ? "零元整" : "整")
        }
        if jiao > 0 {
            text += String(digits[jiao]) + "角"
        } else if yuan > 0 {
            text += "零"
        }
        if fen > 0 { text += String(digits[fen]) + "分" }
        return text
    }

    /// A positive integer of up to twelve digits in words: groups of four, a single 零 for any run of
    /// zeros between non-zero digits (10 005 → 壹万零伍, 1 000 500 → 壹佰万零伍佰).
    static func integerText(_ value: UInt64) -> String {
        var groupValues: [Int] = []
        var rest = value
        while rest > 0 {
            groupValues.append(Int(rest % 10_000))
            rest /= 10_000
        }
        var text = ""
        var pendingZero = false
        for index in stride(from: groupValues.count - 1, through: 0, by: -1) {
            let group = groupValues[index]
            if group == 0 {
                pendingZero = !text.isEmpty
                continue
            }
            // A group below a thousand after a higher group reads with a 零 (壹万零伍佰).
            if !text.isEmpty && group < 1000 { pendingZero = true }
            if pendingZero { text += "零" }
            pendingZero = false
            text += groupText(group) + groups[index]
        }
        return text
    }

    /// 1…9999 in words, with 零 for inner zeros (1005 → 壹仟零伍, 1050 → 壹仟零伍拾).
    static func groupText(_ value: Int) -> String {
        var text = ""
        var zero = false
        for position in stride(from: 3, through: 0, by: -1) {
            var power = 1
            for _ in 0..<position { power *= 10 }
            let digit = value / power % 10
            if digit == 0 {
                zero = !text.isEmpty
            } else {
                if zero { text += "零" }
                zero = false
                text += String(digits[digit]) + positions[position]
            }
        }
        return text
    }
}
