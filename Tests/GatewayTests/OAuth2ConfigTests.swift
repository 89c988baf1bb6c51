import Foundation
@testable import Gateway
import MailTransport
import MailgateTestSupport
import Testing

@Suite("auth: oauth2 in a mailbox file")
struct OAuth2ConfigTests {
    static let imap = """
        address: support@example.test
        key: SUPP
        imap:
          url: imaps://outlook.office365.com:993/INBOX
          username: support@example.test
          auth: oauth2
          token_url: https://login.microsoftonline.com/common/oauth2/v2.0/token
          client_id: 0000-1111
          refresh_token_env: SUPPORT_REFRESH_TOKEN
          scope: https://outlook.office.com/IMAP.AccessAsUser.All offline_access
          device_url: https://login.microsoftonline.com/common/oauth2/v2.0/devicecode
        smtp:
          url: smtp://smtp.office365.com:587
        agents:
          - email: bob@example.test
        """

    static func problems(_ yaml: String) -> [String] {
        guard let directory = try? ConfigTests.directory(["support.yaml": yaml]) else { return ["cannot write the test file"] }
        return ConfigTests.problems(directory).map { "\($0.field): \($0.problem)" }
    }

    @Test func theSettingsAreRead() throws {
        let config = try MailboxConfig.parse(yaml: Self.imap, file: "support.yaml")
        let settings = try #require(config.imap?.oauth2)
        #expect(settings.tokenURL == "https://login.microsoftonline.com/common/oauth2/v2.0/token")
        #expect(settings.clientID == "0000-1111")
        #expect(settings.clientSecret == nil)
        #expect(settings.refreshToken == .environment("SUPPORT_REFRESH_TOKEN"))
        #expect(settings.scope == "https://outlook.office.com/IMAP.AccessAsUser.All offline_access")
        #expect(settings.deviceURL != nil && settings.authorizeURL == nil)
        #expect(settings.redirectURI == "http://localhost")
        #expect(config.imap?.password == nil)
        #expect(config.smtp.oauth2 == nil)
    }

    @Test("each wrong setting is named with what to do", arguments: [
        ("token_url: https://login.microsoftonline.com/common/oauth2/v2.0/token", "",
         "imap.token_url: missing; set the provider's token endpoint"),
        ("token_url: https://login.microsoftonline.com/common/oauth2/v2.0/token", "token_url: http://login.example.com/token",
         "imap.token_url: 'http://login.example.com/token' is plain HTTP to another machine"),
        ("token_url: https://login.microsoftonline.com/common/oauth2/v2.0/token", "token_url: http://127.evil.example/token",
         "imap.token_url: 'http://127.evil.example/token' is plain HTTP to another machine"),
        ("client_id: 0000-1111", "", "imap.client_id: missing; set the application (client) ID"),
        ("auth: oauth2", "auth: kerberos", "imap.auth: 'kerberos' is not a login method"),
        ("auth: oauth2", "auth: password\n  password_env: P", "imap.token_url: only used with auth: oauth2"),
        ("refresh_token_env: SUPPORT_REFRESH_TOKEN", "refresh_token_env: A\n  refresh_token_file: /b",
         "imap.refresh_token_file: give either refresh_token_env or refresh_token_file"),
        ("refresh_token_env: SUPPORT_REFRESH_TOKEN", "refresh_token_env: A\n  password_env: P",
         "imap.password_env: a server with auth: oauth2 logs in with tokens, not a password"),
        ("  username: support@example.test\n", "", "imap.username: missing; set the login name"),
        ("scope: https://outlook.office.com/IMAP.AccessAsUser.All offline_access", "sasl_mechanism: plain",
         "imap.sasl_mechanism: 'plain' is not a token mechanism; use xoauth2 or oauthbearer"),
        ("device_url: https://login.microsoftonline.com/common/oauth2/v2.0/devicecode", "device_url: ftp://x",
         "imap.device_url: 'ftp://x' is not an https:// address"),
    ])
    func problems(replacing: String, with replacement: String, expected: String) {
        let yaml = Self.imap.replacingOccurrences(of: replacing, with: replacement)
        let problems = Self.problems(yaml)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
    }

    @Test func aTestProviderOnLoopbackMayUsePlainHTTP() throws {
        let yaml = Self.imap.replacingOccurrences(of: "https://login.microsoftonline.com/common/oauth2/v2.0/token", with: "http://127.0.0.1:8080/token")
        #expect(Self.problems(yaml).isEmpty)
    }

    /// The IMAP file with an SMTP section using OAuth2 with `scope`.
    static func withSMTP(scope: String) -> String {
        imap.replacingOccurrences(of: "  url: smtp://smtp.office365.com:587", with: """
              url: smtp://smtp.office365.com:587
              username: support@example.test
              auth: oauth2
              token_url: https://login.microsoftonline.com/common/oauth2/v2.0/token
              client_id: 0000-1111
              refresh_token_env: SUPPORT_REFRESH_TOKEN
              scope: \(scope)
              device_url: https://login.microsoftonline.com/common/oauth2/v2.0/devicecode
            """)
    }

    @Test func smtpWithTheSameSettingsSharesTheLoginAndItsKey() throws {
        let environment = ["SUPPORT_REFRESH_TOKEN": "rt-1"]
        let same = Self.withSMTP(scope: "https://outlook.office.com/IMAP.AccessAsUser.All offline_access")
        let shared = try OAuth2Login.logins(of: MailboxConfig.parse(yaml: same, file: "support.yaml"), environment: environment)
        #expect(shared.imap?.key == "support/imap" && shared.smtp?.key == "support/imap")
        #expect(shared.imap?.configured == "rt-1")

        let differing = Self.withSMTP(scope: "https://outlook.office.com/SMTP.Send offline_access")
        let separate = try OAuth2Login.logins(of: MailboxConfig.parse(yaml: differing, file: "support.yaml"), environment: environment)
        #expect(separate.imap?.key == "support/imap" && separate.smtp?.key == "support/smtp")
    }

    @Test func anUnsetRefreshTokenVariableIsAStartError() throws {
        #expect(throws: ConfigError.self) {
            try OAuth2Login.logins(of: MailboxConfig.parse(yaml: Self.imap, file: "support.yaml"), environment: [:])
        }
        // Without refresh_token_env the token comes from `helpdesk oauth authorize`: no error now.
        let withoutSeed = Self.imap.replacingOccurrences(of: "  refresh_token_env: SUPPORT_REFRESH_TOKEN\n", with: "")
        let logins = try OAuth2Login.logins(of: MailboxConfig.parse(yaml: withoutSeed, file: "support.yaml"), environment: [:])
        #expect(logins.imap?.configured == nil && logins.imap?.seed == "")
    }
}
