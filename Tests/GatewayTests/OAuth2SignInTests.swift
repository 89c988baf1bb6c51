import Crypto
import Foundation
@testable import Gateway
import MailgateTestSupport
import Testing

/// The parts of `helpdesk oauth authorize` that need no provider: PKCE, the address to open,
/// and reading what the admin pastes back.
@Suite("OAuth2 sign-in steps")
struct OAuth2SignInTests {
    @Test func thePKCEChallengeIsTheVerifiersSHA256() throws {
        let pair = OAuth2SignIn.pkcePair()
        #expect(pair.verifier.count >= 43 && pair.verifier.count <= 128)  // RFC 7636 §4.1
        let digest = Data(SHA256.hash(data: Array(pair.verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(pair.challenge == digest)
        #expect(OAuth2SignIn.pkcePair().verifier != pair.verifier)
    }

    @Test("what the admin pastes gives the code, or says what is wrong", arguments: [
        ("http://localhost/?code=4%2F0Ab&state=s1&scope=x", "4/0Ab"),
        ("  http://localhost/?state=s1&code=abc  \n", "abc"),
        ("abc-def", "abc-def"),
        ("http://localhost/?code=abc&state=other", "error: belongs to another sign-in"),
        ("http://localhost/?error=access_denied&error_description=The+user+declined&state=s1", "error: the provider refused the sign-in: access_denied (The user declined)"),
        ("http://localhost/?state=s1", "error: has no code="),
        ("", "error: nothing was pasted"),
    ])
    func pasted(text: String, expected: String) {
        do {
            let code = try OAuth2SignIn.code(fromPasted: text, state: "s1")
            #expect(code == expected)
        } catch {
            #expect(expected.hasPrefix("error: "), "\(error)")
            #expect("\(error)".contains(expected.dropFirst(7)), "\(error)")
        }
    }

    @Test func theAuthorizeAddressCarriesPKCEStateAndOfflineAccess() throws {
        let directory = try ConfigTests.directory([
            "support.yaml": OAuth2ConfigTests.imap.replacingOccurrences(
                of: "  device_url: https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
                with: "  authorize_url: https://accounts.example.com/auth?hd=example.test"),
        ])
        let settings = GatewaySettings(configDirectory: directory.url.path, templatesDirectory: "", databasePath: "", dataDirectory: "",
                                       environment: ["SUPPORT_REFRESH_TOKEN": "rt"])
        let signIn = try OAuth2SignIn(settings: settings, mailbox: "support", server: nil)
        #expect(signIn.key == "support/imap" && signIn.server == "imap")
        let url = try signIn.authorizationURL(challenge: "CH", state: "ST")
        #expect(url.hasPrefix("https://accounts.example.com/auth?hd=example.test&response_type=code&client_id=0000-1111"))
        // Google's offline-access parameters go to Google only (a forced consent fails at Microsoft).
        #expect(!url.contains("prompt=consent") && !url.contains("access_type"))
        for part in ["code_challenge=CH", "code_challenge_method=S256", "state=ST",
                     "redirect_uri=http%3A%2F%2Flocalhost", "login_hint=support%40example.test", "scope=https%3A%2F%2Foutlook.office.com%2FIMAP.AccessAsUser.All%20offline_access"] {
            #expect(url.contains(part), "\(part) in \(url)")
        }
        #expect(throws: OAuth2SignInError.self) { try signIn.startDeviceCode() }
        #expect(throws: OAuth2SignInError.self) { try OAuth2SignIn(settings: settings, mailbox: "sales", server: nil) }
        #expect(throws: OAuth2SignInError.self) { try OAuth2SignIn(settings: settings, mailbox: "support", server: "smtp") }
    }
}
