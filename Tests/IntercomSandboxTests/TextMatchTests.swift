import SandboxTestSupport
import Testing

@testable import IntercomSandbox

/// The sandbox's byte-wise text tests (`~ !~ ^ $`, the fast path of a scan) agree with the tests by characters on
/// generated strings: mixed case, carriage returns and line feeds, accents precomposed and combining, a dotted
/// capital I (whose lowercase is two characters), and empty strings.
struct TextMatchTests {
    static let pieces = [
        "a", "B", "z", "Z", "0", "9", "@", ".", "-", "\r", "\n", "é", "e\u{301}", "İ", "i", "ß", "ǅ", "",
    ]

    static func text(_ random: inout SplitMix) -> String {
        (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    @Test func byteTestsAgreeWithCharacterTests() {
        var random = SplitMix(seed: 0x5EA4C4)
        let operators: [SearchFilter.Operator] = [.contains, .notContains, .startsWith, .endsWith]
        var compared = 0
        for _ in 0..<20_000 {
            let (text, part) = (Self.text(&random), Self.text(&random))
            // Often a piece of the text itself, so that matches are common.
            let wanted = Bool.random(using: &random) ? part : String(text.suffix(Int.random(in: 0...3, using: &random)))
            for op in operators {
                for foldCase in [false, true] {
                    guard let fast = SearchFilter.asciiMatch(text, wanted, op: op, foldCase: foldCase) else { continue }
                    compared += 1
                    let slow = SearchFilter.characterMatch(text, wanted, op: op, foldCase: foldCase)
                    #expect(fast == slow, "\(op) \(foldCase) \(text.debugDescription) \(wanted.debugDescription)")
                }
            }
        }
        // Most generated pairs hold something that is not plain ASCII; enough of them are for the comparison to count.
        #expect(compared > 10_000)
    }
}
