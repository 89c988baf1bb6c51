import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore
import MailTransport

/// `helpdesk oauth …`: signing a mailbox in at its mail provider.
struct OAuth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oauth", abstract: "Sign mailboxes in at Microsoft 365, Google or another OAuth2 provider.",
        subcommands: [Authorize.self])
}

/// `helpdesk oauth authorize --mailbox NAME`: gets the first refresh token and keeps it.
struct Authorize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize",
        abstract: "Get a mailbox's refresh token from its provider and keep it in the database.",
        discussion: """
            Uses the mailbox's `auth: oauth2` settings. With device_url set, it prints a code to \
            enter at the provider's page on any device; otherwise (or with --paste-code) it prints \
            an address to open in a browser, and you paste back the address the browser is sent to. \
            The refresh token is kept in the database and the login is tried on the mailbox's \
            servers; a running gateway uses it from its next token refresh, or at once after \
            `helpdesk reload`.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The mailbox to sign in (its file name without .yaml).")
    var mailbox: String

    @Option(help: "imap or smtp, when the two have different oauth2 settings.")
    var server: String?

    @Flag(help: "Sign in with a browser here and paste the address it is sent to (needs authorize_url).")
    var pasteCode = false

    @Flag(help: "Sign in with a code entered on any device (needs device_url).")
    var deviceCode = false

    func validate() throws {
        if let server, server != "imap", server != "smtp" { throw ValidationError("--server must be imap or smtp") }
        if pasteCode && deviceCode { throw ValidationError("choose one of --paste-code and --device-code") }
    }

    func run() throws {
        let logger = options.makeLogger()
        let signIn: OAuth2SignIn
        do {
            signIn = try OAuth2SignIn(settings: options.settings, mailbox: mailbox, server: server)
        } catch let error as OAuth2SignInError {
            throw CommandFailure(error.description)
        }
        let usesDevice = deviceCode || (!pasteCode && signIn.settings.deviceURL != nil)
        let grant: OAuth2Client.Grant
        do {
            grant = usesDevice ? try withDeviceCode(signIn) : try withPastedCode(signIn)
        } catch let error as OAuth2SignInError {
            throw CommandFailure(error.description)
        } catch let error as TransportError {
            throw CommandFailure("the sign-in failed: \(error)")
        }
        // Opened only now: a sign-in that failed leaves no database behind.
        let database = try options.openOrCreateDatabase()
        do {
            try signIn.keep(grant, in: database, logger: logger, now: { Date() })
        } catch let error as OAuth2SignInError {
            throw CommandFailure(error.description)
        } catch let error as TransportError {
            throw CommandFailure("""
                the refresh token is kept in \(options.databaseDisplay) (\(signIn.key)), but logging in with it failed: \(error)
                Check the server settings and the scope (the token must allow IMAP/SMTP), then run `helpdesk poll --once --mailbox \(mailbox)`.
                """)
        }
        let servers = signIn.endpoints.map(\.baseURL).joined(separator: " and ")
        print("""
            Signed in: \(signIn.username ?? mailbox) logged in to \(servers) with the new token.
            The refresh token is kept in \(options.databaseDisplay) (as \(signIn.key)); protect that database like a password.
            A running gateway uses it from its next token refresh, or at once after `helpdesk reload`.
            """)
    }

    private func withDeviceCode(_ signIn: OAuth2SignIn) throws -> OAuth2Client.Grant {
        let device = try signIn.startDeviceCode()
        say("""
            To sign in \(signIn.username ?? mailbox), open \(device.verificationURI) on any device and enter the code \(device.userCode)
            (valid for \(Int(device.expiresIn / 60)) minutes). Waiting for the approval…
            """)
        return try signIn.waitForApproval(of: device)
    }

    private func withPastedCode(_ signIn: OAuth2SignIn) throws -> OAuth2Client.Grant {
        let pkce = OAuth2SignIn.pkcePair()
        let state = OAuth2SignIn.newState()
        let url = try signIn.authorizationURL(challenge: pkce.challenge, state: state)
        say("""
            1. Open this address in a browser and sign in as \(signIn.username ?? "the mailbox's user"), then allow access:

            \(url)

            2. The browser is then sent to \(signIn.settings.redirectURI)/?code=… (the page itself may not load; that is expected).
               Paste that whole address here and press Enter:
            """)
        guard let line = readLine() else { throw OAuth2SignInError("no address was pasted (standard input ended)") }
        let code = try OAuth2SignIn.code(fromPasted: line, state: state)
        return try signIn.exchange(code: code, verifier: pkce.verifier)
    }

    /// Straight to the terminal, unbuffered: the admin must see it before the command waits.
    private func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
}
