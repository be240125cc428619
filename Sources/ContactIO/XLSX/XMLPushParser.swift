import CExpat

/// expat fed chunk by chunk as an xlsx part inflates, calling back for elements and text: memory stays at a chunk,
/// whatever the size of the sheet.
///
/// Hostile XML stays harmless: a document type declaration (where entities are declared, the billion laughs among
/// them) is refused outright, external entities are never loaded (expat does not fetch them), and nesting is capped.
final class XMLPushParser {
    /// An element started: its local name (without a namespace prefix) and its attributes as (local name, value).
    var onStart: (_ name: Substring, _ attributes: [(Substring, String)]) -> Void = { _, _ in }
    /// An element ended.
    var onEnd: (_ name: Substring) -> Void = { _ in }
    /// Text inside the current element (possibly in several pieces).
    var onText: (_ bytes: UnsafeBufferPointer<UInt8>) -> Void = { _ in }
    /// Whether ``onStart`` needs the attributes (decoding them costs; most elements of a sheet need none).
    var wantsAttributes: (_ name: Substring) -> Bool = { _ in true }

    private let parser: XML_Parser
    private var refusal: String?
    private var depth = 0
    private static let maximumDepth = 256

    init() {
        parser = XML_ParserCreate(nil)
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetElementHandler(
            parser,
            { user, name, attributes in
                guard let user, let name else { return }
                Unmanaged<XMLPushParser>.fromOpaque(user).takeUnretainedValue().start(name, attributes)
            },
            { user, name in
                guard let user, let name else { return }
                Unmanaged<XMLPushParser>.fromOpaque(user).takeUnretainedValue().end(name)
            })
        XML_SetCharacterDataHandler(parser) { user, text, length in
            guard let user, let text, length > 0 else { return }
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: Int(length))
            Unmanaged<XMLPushParser>.fromOpaque(user).takeUnretainedValue().onText(bytes)
        }
        XML_SetStartDoctypeDeclHandler(parser) { user, _, _, _, _ in
            guard let user else { return }
            Unmanaged<XMLPushParser>.fromOpaque(user).takeUnretainedValue().refuse(
                "it declares a document type (where entities are declared); xlsx files never do")
        }
    }

    deinit {
        XML_ParserFree(parser)
    }

    /// Parses the next chunk of the document (`final` for the last).
    /// - Throws: the reason, as a sentence, when the XML is not well-formed or is refused.
    func feed(_ bytes: UnsafeRawBufferPointer, final: Bool) throws {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let status = XML_Parse(parser, base, Int32(bytes.count), final ? 1 : 0)
        if let refusal { throw XMLProblem(message: refusal) }
        guard status == XML_STATUS_OK else {
            let reason = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "invalid XML"
            throw XMLProblem(
                message: "invalid XML at line \(XML_GetCurrentLineNumber(parser)), column "
                    + "\(XML_GetCurrentColumnNumber(parser) + 1): \(reason)")
        }
    }

    private func refuse(_ reason: String) {
        guard refusal == nil else { return }
        refusal = reason
        XML_StopParser(parser, 0)
    }

    private func start(_ name: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        depth += 1
        if depth > Self.maximumDepth { return refuse("elements are nested more than \(Self.maximumDepth) deep") }
        let local = Self.localName(name)
        var pairs: [(Substring, String)] = []
        if let attributes, wantsAttributes(local) {
            var index = 0
            while let key = attributes[index], let value = attributes[index + 1] {
                pairs.append((Self.localName(key), String(cString: value)))
                index += 2
            }
        }
        onStart(local, pairs)
    }

    private func end(_ name: UnsafePointer<CChar>) {
        depth -= 1
        onEnd(Self.localName(name))
    }

    /// The name without a namespace prefix (`x:row` is `row`).
    private static func localName(_ name: UnsafePointer<CChar>) -> Substring {
        let text = String(cString: name)
        guard let colon = text.lastIndex(of: ":") else { return Substring(text) }
        return text[text.index(after: colon)...]
    }
}

/// Why an XML part could not be read.
struct XMLProblem: Error {
    var message: String
}
