import SandboxTestSupport
import Testing

@testable import ContactMapping

/// `lower` and `upper` look at eight bytes at a time where they can: every letter, at every place of a word, must
/// still be found, and text that needs no change must come back as it is.
struct RecasingTests {
    @Test func lowerAndUpperMatchStringsOwnAtEveryPlace() {
        var random = SplitMix(seed: 18)
        let alphabet = Array("abcxyzABCXYZ@._-09`{[@Zz é€".unicodeScalars)
        for length in 0...40 {
            for _ in 0..<40 {
                var text = String((0..<length).map { _ in Character("a") })
                if length > 0 {
                    var scalars = Array("user.name.example.org.long.enough.to.fill".unicodeScalars.prefix(length))
                    let place = Int(random.next() % UInt64(length))
                    scalars[place] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    text = String(String.UnicodeScalarView(scalars))
                }
                #expect(recase(text, lower: true) == text.lowercased(), "lower of '\(text)'")
                #expect(recase(text, lower: false) == text.uppercased(), "upper of '\(text)'")
            }
        }
    }

    private func recase(_ text: String, lower: Bool) -> String {
        var text = text
        return text.withUTF8 { bytes in
            Scratch.with { scratch in
                let result = lower ? RuleProgram.lowered(bytes, &scratch) : RuleProgram.uppered(bytes, &scratch)
                return String(decoding: result, as: UTF8.self)
            }
        }
    }
}
