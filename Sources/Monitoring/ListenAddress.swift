/// Where `helpdesk run --listen` serves: `HOST:PORT`, `[IPv6]:PORT`, or a bare `PORT` on
/// 127.0.0.1, so that metrics stay on the machine unless an admin names another address.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let defaultHost = "127.0.0.1"

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses the option's text; nil when it is not an address with a port in 0…65535.
    public init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            host = ""
            port = Substring(text)
        }
        guard let number = Int(port), (0...65_535).contains(number) else { return nil }
        var name = String(host)
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        guard !name.contains(" ") else { return nil }
        self.init(host: name.isEmpty ? Self.defaultHost : name, port: number)
    }

    /// Whether only this machine can reach it.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
