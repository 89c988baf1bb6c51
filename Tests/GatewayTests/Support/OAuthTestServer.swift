import MailgateTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/oauth-test-server.py` on a free loopback port: a token endpoint, device codes, an
/// authorize page and token introspection for Dovecot. Stopped when the value goes away.
final class OAuthTestServer {
    let process: ChildProcess
    let port: Int
    let clientID = "mailgate-test"

    /// `refreshTokens` are known from the start (token → user); `expiresIn` is every access
    /// token's life in seconds; `rotate` issues a new refresh token on each refresh and spends the old.
    /// `lifetime` is how long a token really works, when shorter than it says.
    init(refreshTokens: [String: String] = [:], expiresIn: Int = 3600, lifetime: Int? = nil, rotate: Bool = false, clientSecret: String? = nil) throws {
        var arguments = [RepoPaths.scripts.appendingPathComponent("oauth-test-server.py").path, "--port", "0", "--expires-in", "\(expiresIn)"]
        if let lifetime { arguments += ["--lifetime", "\(lifetime)"] }
        if rotate { arguments.append("--rotate") }
        if let clientSecret { arguments += ["--client-secret", clientSecret] }
        for (token, user) in refreshTokens { arguments += ["--refresh-token", "\(token)=\(user)"] }
        process = try ChildProcess("/usr/bin/env", ["python3", "-u"] + arguments)
        let deadline = Date(timeIntervalSinceNow: 15)
        var found: Int?
        while found == nil, Date() < deadline, process.wait(seconds: 0.05) == nil {
            if let line = process.stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening 127.0.0.1:") }) {
                found = Int(line.split(separator: ":").last ?? "")
            }
        }
        guard let found else { throw HarnessError("oauth-test-server did not start: \(process.stderr)") }
        port = found
    }

    deinit {
        process.signal(SIGTERM)
        _ = process.wait(seconds: 5)
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var tokenURL: String { "\(base)/token" }
    var introspectionURL: String { "\(base)/introspect" }

    /// Requests by grant type (`refresh_token`, `authorization_code`, …) and `introspection`.
    func stats() throws -> [String: Int] {
        let (status, body, _) = try request("GET", "/admin/stats")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: body) as? [String: Int] else {
            throw HarnessError("stats: HTTP \(status)")
        }
        return json
    }

    func revokeAccessTokens() throws { _ = try request("POST", "/admin/revoke-access") }
    func revoke(refreshToken: String) throws { _ = try request("POST", "/admin/revoke-refresh", form: "token=\(refreshToken)") }
    func approveDevices(as user: String) throws { _ = try request("POST", "/admin/approve-device", form: "user=\(user)") }

    /// Follows the authorize address as a browser would and returns where it was redirected.
    func redirect(from url: String) throws -> String {
        let (status, _, location) = try request("GET", String(url.dropFirst(base.count)))
        guard status == 302, let location else { throw HarnessError("authorize: HTTP \(status), no redirect") }
        return location
    }

    private func request(_ method: String, _ path: String, form: String? = nil) throws -> (Int, Data, String?) {
        guard let response = LoopbackHTTP.request(URL(string: base + path)!, method: method, form: form) else {
            throw HarnessError("oauth-test-server: no answer to \(method) \(path)")
        }
        return (response.status, response.body, response.location)
    }
}
