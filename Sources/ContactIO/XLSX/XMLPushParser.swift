import CExpat

/// expat fed chunk by chunk as an xlsx part inflates, calling back for elements and text: memory stays at a chunk,
/// whatever the size of the sheet.
///
/// Hostile XML stays harmless: a document type declaration (where entities are declared, the billion laughs among
/// them) is refused outright, external entities are never loaded (expat does not fetch them), and nesting is capped.
final class XMLPushParser {
    /// An element started.
    var onStart: (_ element: XMLElement) -> Void = { _ in }
    /// An element ended (its ``XMLElement/attribute(_:)`` is nil).
    var onEnd: (_ element: XMLElement) -> Void = { _ in }
    /// Text inside the current element (possibly in several pieces).
    var onText: (_ bytes: UnsafeBufferPointer<UInt8>) -> Void = { _ in }

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
                let parser = Unmanaged<XMLPushParser>.fromOpaque(user).takeUnretainedValue()
                parser.depth -= 1
                parser.onEnd(XMLElement(qualifiedName: name, attributes: nil))
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
    /// - Throws: ``XMLProblem`` when the XML is not well-formed or is refused.
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
        onStart(XMLElement(qualifiedName: name, attributes: attributes))
    }
}

/// An element as expat reports it, read in place: names are compared without making strings, because a sheet has
/// millions of elements.
struct XMLElement {
    /// The name without its namespace prefix (`x:row` is `row`).
    let name: UnsafePointer<CChar>
    private let attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?

    init(qualifiedName: UnsafePointer<CChar>, attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>?) {
        name = XMLElement.localName(qualifiedName)
        self.attributes = attributes
    }

    /// Whether the element's local name is `literal`.
    func `is`(_ literal: StaticString) -> Bool {
        Self.equal(name, literal)
    }

    /// The value of the attribute whose local name is `literal`, in place.
    func attribute(_ literal: StaticString) -> UnsafePointer<CChar>? {
        guard let attributes else { return nil }
        var index = 0
        while let key = attributes[index], let value = attributes[index + 1] {
            if Self.equal(Self.localName(key), literal) { return value }
            index += 2
        }
        return nil
    }

    /// The attribute's value as a string.
    func string(_ literal: StaticString) -> String? {
        attribute(literal).map { String(cString: $0) }
    }

    private static func equal(_ text: UnsafePointer<CChar>, _ literal: StaticString) -> Bool {
        let bytes = literal.utf8Start
        let count = literal.utf8CodeUnitCount
        for index in 0..<count where UInt8(bitPattern: text[index]) != bytes[index] {
            return false
        }
        return text[count] == 0
    }

    private static func localName(_ name: UnsafePointer<CChar>) -> UnsafePointer<CChar> {
        var start = name
        var cursor = name
        while cursor.pointee != 0 {
            if cursor.pointee == 0x3A { start = cursor + 1 }
            cursor += 1
        }
        return start
    }
}

/// Why an XML part could not be read.
struct XMLProblem: Error {
    var message: String
}
