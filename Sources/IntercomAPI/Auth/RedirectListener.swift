import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A one-shot HTTP listener on a loopback redirect URI (`http://127.0.0.1:8765/callback`): it catches the browser's
/// redirect after the person approves the app, answers with a short page, and hands back the address with its code.
///
/// Written on plain sockets because it is one request on loopback, read once: a server framework would be most of
/// the code it runs. It never listens beyond loopback.
public final class RedirectListener {
    private let descriptor: Int32
    /// The path the redirect comes to; other requests (a browser's `/favicon.ico`) get a 404 and are not counted.
    private let path: String
    private let authority: String

    /// Binds the redirect URI's loopback port.
    /// - Throws: ``IntercomError`` `.configuration` when the URI is not plain http on a loopback address with a port,
    ///   or the port is taken.
    public init(redirectURI: String) throws(IntercomError) {
        guard let url = URLComponents(string: redirectURI), url.scheme?.lowercased() == "http",
            let host = url.host?.lowercased(), ["127.0.0.1", "localhost"].contains(host), let port = url.port,
            (1...65_535).contains(port)
        else {
            throw IntercomError(
                .configuration,
                message:
                    "a local listener needs a redirect URI like http://127.0.0.1:8765/callback (got '\(redirectURI)')")
        }
        path = url.path.isEmpty ? "/" : url.path
        authority = "\(host):\(port)"
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw IntercomError(.configuration, message: "cannot open a socket") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 4) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw IntercomError(.configuration, message: "cannot listen on \(authority) for the redirect: \(reason)")
        }
        descriptor = socket
    }

    deinit { close(descriptor) }

    /// Waits for the redirect and returns its full address; nil when `timeout` seconds pass first.
    public func waitForRedirect(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 3_600) * 1000)) > 0 else { continue }
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { continue }
            defer { close(connection) }
            guard let target = Self.requestTarget(connection) else { continue }
            let requestPath = String(target.prefix { $0 != "?" })
            guard requestPath == path else {
                Self.answer(connection, status: "404 Not Found", text: "Not found.\n")
                continue
            }
            Self.answer(
                connection, status: "200 OK",
                text: "intercom-etl received the approval: you can close this tab and go back to the terminal.\n")
            return "http://\(authority)\(target)"
        }
    }

    /// The target of a `GET` request line (`/callback?code=…`), reading at most 16 KB of the head.
    private static func requestTarget(_ connection: Int32) -> String? {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        while head.count < 16_384, !head.contains(UInt8(ascii: "\n")) {
            guard poll(&poller, 1, 5_000) > 0 else { return nil }
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            head += buffer[..<count]
        }
        let line = String(decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET" else { return nil }
        return String(parts[1])
    }

    private static func answer(_ connection: Int32, status: String, text: String) {
        let body = Array(text.utf8)
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }
}
