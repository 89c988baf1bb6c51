import Foundation
@testable import Gateway
import HelpdeskStore
import Logging
import MailTransport
import MailgateTestSupport
import Synchronization
import Testing

/// A refresh token held in memory, as a keeper the tests can read and change.
final class MemoryKeeper: RefreshTokenKeeper {
    private let token: Mutex<String?>
    init(_ token: String?) { self.token = Mutex(token) }
    func current() throws -> String? { token.withLock { $0 } }
    func replace(with new: String) { token.withLock { $0 = new } }
}

/// A keeper whose store fails: it keeps handing out the first token.
final class ForgetfulKeeper: RefreshTokenKeeper {
    let token: String
    init(_ token: String) { self.token = token }
    func current() throws -> String? { token }
    func replace(with new: String) {}
}

/// Access tokens from a real token endpoint (the test provider on loopback): caching, renewal,
/// rotation, refusals in plain words.
@Suite("OAuth2 access tokens", .serialized, .timeLimit(.minutes(5)))
struct OAuth2TokenTests {
    static func credential(_ server: OAuthTestServer, keeper: any RefreshTokenKeeper, secret: String? = nil) -> OAuth2Credential {
        OAuth2Credential(
            client: OAuth2Client(tokenURL: server.tokenURL, clientID: server.clientID, clientSecret: secret),
            label: "mailbox support (imap)", renewalHint: "run `helpdesk oauth authorize --mailbox support`", keeper: keeper)
    }

    @Test func aTokenIsFetchedOnceAndReusedUntilItIsRenewed() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"])
        let credential = Self.credential(server, keeper: MemoryKeeper("rt-a"))
        let first = try credential.accessToken()
        #expect(first.hasPrefix("at-"))
        #expect(try credential.accessToken() == first)
        #expect(try server.stats()["refresh_token"] == 1)
        let renewed = try credential.accessToken(replacing: first)
        #expect(renewed != first)
        #expect(try server.stats()["refresh_token"] == 2)
        // Another thread refused with the same old token gets the renewed one, without a request.
        #expect(try credential.accessToken(replacing: first) == renewed)
        #expect(try server.stats()["refresh_token"] == 2)
        // The server refusing the token just renewed means its settings are wrong: no third request.
        let error = try #require(throws: TransportError.self) { try credential.accessToken(replacing: renewed) }
        #expect(error.message.contains("the server refused an access token the provider had just issued; check that the scope"))
        #expect(try server.stats()["refresh_token"] == 2)
    }

    @Test func aRotatedTokenTheKeeperCouldNotStoreIsStillUsed() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"], rotate: true)
        let credential = Self.credential(server, keeper: ForgetfulKeeper("rt-a"))
        let first = try credential.accessToken()
        // The keeper still says rt-a, which the provider spent: the rotated token in memory works.
        #expect(try credential.accessToken(replacing: first).hasPrefix("at-"))
        #expect(try server.stats()["refresh_token"] == 2)
    }

    @Test func aTokenNearItsExpiryIsReplaced() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"], expiresIn: 1)
        let credential = Self.credential(server, keeper: MemoryKeeper("rt-a"))
        let first = try credential.accessToken()
        Thread.sleep(forTimeInterval: 0.9)
        #expect(try credential.accessToken() != first)
    }

    @Test func aRotatedRefreshTokenGoesToTheKeeper() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"], rotate: true)
        let keeper = MemoryKeeper("rt-a")
        let credential = Self.credential(server, keeper: keeper)
        _ = try credential.accessToken()
        let rotated = try #require(try keeper.current())
        #expect(rotated != "rt-a" && rotated.hasPrefix("rt-"))
        // The spent token is refused now; the kept one works.
        _ = try credential.accessToken(replacing: try credential.accessToken())
        #expect(try keeper.current() != rotated)
    }

    @Test func aRevokedRefreshTokenSaysWhatToDoAndIsNotRetriedAtOnce() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"])
        try server.revoke(refreshToken: "rt-a")
        let keeper = MemoryKeeper("rt-a")
        let credential = Self.credential(server, keeper: keeper)
        let error = try #require(throws: TransportError.self) { try credential.accessToken() }
        #expect(error.kind == .authentication)
        #expect(error.message.hasPrefix("mailbox support (imap): \(server.tokenURL) refused the refresh token: invalid_grant (The refresh token has been revoked.)"))
        #expect(error.message.hasSuffix("; run `helpdesk oauth authorize --mailbox support`"))
        #expect(!error.message.contains("rt-a"))
        // Asked again at once: the same answer, without asking the provider again.
        #expect(throws: TransportError.self) { try credential.accessToken() }
        #expect(try server.stats()["refresh_token"] == 1)
        // A newly kept token (an admin signed in again) is tried at once.
        keeper.replace(with: "rt-unknown")
        #expect(throws: TransportError.self) { try credential.accessToken() }
        #expect(try server.stats()["refresh_token"] == 2)
    }

    @Test func aWrongClientSecretIsNamed() throws {
        let server = try OAuthTestServer(refreshTokens: ["rt-a": "support@example.test"], clientSecret: "right")
        let error = try #require(throws: TransportError.self) {
            try Self.credential(server, keeper: MemoryKeeper("rt-a"), secret: "s3cr3t-guess").accessToken()
        }
        #expect(error.kind == .authentication)
        #expect(error.message.contains("invalid_client (unknown client or wrong secret)"))
        #expect(!error.message.contains("s3cr3t-guess"))
        #expect(error.message.hasSuffix("; check client_id and the client secret (client_secret_env or client_secret_file)"))
        #expect(try Self.credential(server, keeper: MemoryKeeper("rt-a"), secret: "right").accessToken().hasPrefix("at-"))
    }

    @Test func noRefreshTokenYetSaysHowToGetOne() throws {
        let server = try OAuthTestServer()
        let error = try #require(throws: TransportError.self) { try Self.credential(server, keeper: MemoryKeeper(nil)).accessToken() }
        #expect(error.message == "mailbox support (imap): there is no refresh token yet; run `helpdesk oauth authorize --mailbox support`")
    }

    @Test func anUnreachableTokenEndpointIsATransientConnectionError() throws {
        let port = try FreePorts.allocate(1)[0]
        let credential = OAuth2Credential(
            client: OAuth2Client(tokenURL: "http://127.0.0.1:\(port)/token", clientID: "x"), label: "mailbox support (imap)",
            renewalHint: "", keeper: MemoryKeeper("rt-a"))
        let error = try #require(throws: TransportError.self) { try credential.accessToken() }
        #expect(error.kind == .connection && error.isTransient)
        #expect(error.message.contains("POST to http://127.0.0.1:\(port)/token failed"))
    }

    @Test("a token is used for all but the last fifth of its life, at most 5 minutes less", arguments: [
        (3600.0, 3300.0), (600.0, 480.0), (60.0, 48.0), (1.0, 0.8), (0.0, 0.0),
    ])
    func lifetimeUsed(expiresIn: Double, used: Double) {
        #expect(abs(OAuth2Credential.lifetimeUsed(of: expiresIn) - used) < 0.0001)
    }

    @Test func printingOAuth2ValuesShowsNoSecret() throws {
        let client = OAuth2Client(tokenURL: "https://p.example/token", clientID: "id-1", clientSecret: "s3cret-x")
        let grant = OAuth2Client.Grant(accessToken: "at-secret", expiresIn: 60, refreshToken: "rt-secret")
        let device = OAuth2Client.DeviceAuthorization(deviceCode: "dc-secret", userCode: "ABCD", verificationURI: "https://p.example/d",
                                                      expiresIn: 900, interval: 5)
        for value in [dumped(client), dumped(grant), dumped(device), "\(client) \(grant) \(device)", String(reflecting: grant)] {
            for secret in ["s3cret-x", "at-secret", "rt-secret", "dc-secret"] { #expect(!value.contains(secret), "\(value)") }
        }
        let login = try KeptRefreshTokenTests.login(configured: "rt-configured")
        #expect(!dumped(login).contains("rt-configured") && !"\(login)".contains("rt-configured"))
    }

    func dumped(_ value: Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test func formFieldsAreEscaped() {
        #expect(FormEncoding.escape("a b+c/d=é~_.-") == "a%20b%2Bc%2Fd%3D%C3%A9~_.-")
    }
}

/// Which refresh token a server uses: the configured one, or the one kept in the database.
@Suite("kept refresh tokens")
struct KeptRefreshTokenTests {
    static func login(configured: String?) throws -> OAuth2Login {
        let yaml = OAuth2ConfigTests.imap.replacingOccurrences(
            of: "  refresh_token_env: SUPPORT_REFRESH_TOKEN\n", with: configured == nil ? "" : "  refresh_token_env: SUPPORT_REFRESH_TOKEN\n")
        let environment = configured.map { ["SUPPORT_REFRESH_TOKEN": $0] } ?? [:]
        return try #require(try OAuth2Login.logins(of: MailboxConfig.parse(yaml: yaml, file: "support.yaml"), environment: environment).imap)
    }

    @Test func theKeptTokenWinsUntilAnotherIsConfigured() throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-kept")
        let database = try HelpdeskDatabase(path: directory.path("helpdesk.sqlite"))
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let first = KeptRefreshTokens(login: try Self.login(configured: "rt-configured"), store: database, logger: logger, now: { Date() })
        #expect(try first.current() == "rt-configured")
        first.replace(with: "rt-rotated")
        #expect(try first.current() == "rt-rotated")
        // A restart with the same config: still the rotated one.
        let restarted = KeptRefreshTokens(login: try Self.login(configured: "rt-configured"), store: database, logger: logger, now: { Date() })
        #expect(try restarted.current() == "rt-rotated")
        // The admin configured a new token: it wins over the one rotated from the old.
        let reconfigured = KeptRefreshTokens(login: try Self.login(configured: "rt-new"), store: database, logger: logger, now: { Date() })
        #expect(try reconfigured.current() == "rt-new")
        // None configured: whatever is kept (what `oauth authorize` stored) is used.
        let unconfigured = KeptRefreshTokens(login: try Self.login(configured: nil), store: database, logger: logger, now: { Date() })
        #expect(try unconfigured.current() == "rt-rotated")
        // The configured token itself is never written to the database, only its fingerprint.
        let kept = try #require(try database.refreshToken(key: "support/imap"))
        #expect(kept.seed.count == 16 && !kept.seed.contains("rt-"))
        #expect(!"\(kept)".contains("rt-rotated"))
    }
}
