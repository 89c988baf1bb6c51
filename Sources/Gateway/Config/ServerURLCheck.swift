import Foundation

/// Checks a configured server URL when the config is loaded, so a typo such as port 99999 is
/// named with its file and field instead of failing the first poll or send at run time.
enum ServerURLCheck {
    /// What is wrong with `url` for a section that takes `schemes`, or nil when it is usable.
    static func problem(in given: String, schemes: (plain: String, tls: String), example: String) -> String? {
        let hint = "write it like \(example)"
        // Quoted in errors (and so in logs): a login in the URL may hold a password, so it is cut.
        let url = withoutLogin(given)
        if url != given {
            return "'\(url)' has a login in it; put credentials in username/password_env, not in the URL"
        }
        if url.contains(where: \.isWhitespace) {
            return "'\(url)' contains a space; \(hint) (a space in a folder name is written %20)"
        }
        guard let schemeEnd = url.range(of: "://") else {
            return "'\(url)' is not a URL; \(hint)"
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == schemes.plain || scheme == schemes.tls else {
            return "'\(url)' is not a \(schemes.plain):// or \(schemes.tls):// URL (scheme '\(scheme)'); \(hint)"
        }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            return "'\(url)' has a login in it; put credentials in username/password_env, not in the URL"
        }
        let host: Substring
        let afterHost: Substring
        if authority.hasPrefix("[") {
            // An IPv6 address: [::1]:143
            guard let close = authority.firstIndex(of: "]") else { return "'\(url)' opens '[' for an IPv6 address but never closes it; \(hint)" }
            host = authority[authority.index(after: authority.startIndex)..<close]
            afterHost = authority[authority.index(after: close)...]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }) else {
                return "'\(host)' in '\(url)' is not an IPv6 address; \(hint)"
            }
        } else {
            host = authority.prefix { $0 != ":" }
            afterHost = authority.dropFirst(host.count)
            guard !host.isEmpty else { return "'\(url)' has no host; \(hint)" }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                return "'\(host)' in '\(url)' is not a host name or IP address; \(hint)"
            }
        }
        guard !afterHost.isEmpty else { return nil }
        guard afterHost.hasPrefix(":") else { return "'\(url)' has '\(afterHost)' after its host where a ':port' belongs; \(hint)" }
        let port = afterHost.dropFirst()
        guard !port.isEmpty else { return "'\(url)' has ':' but no port after it; \(hint), or leave the port out" }
        guard port.allSatisfy({ $0.isASCII && $0.isNumber }), port.count <= 5, let number = Int(port), (1...65535).contains(number) else {
            return "port '\(port)' in '\(url)' is out of range; a port is a number from 1 to 65535"
        }
        return nil
    }

    /// `url` with any `user:password@` before the host removed.
    static func withoutLogin(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "…@" + String(rest[rest.index(after: at)...])
    }
}
