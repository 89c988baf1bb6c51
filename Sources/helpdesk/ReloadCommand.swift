import ArgumentParser
import Foundation
import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// `helpdesk reload`: check the files, then tell the running gateway to read them (SIGHUP).
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Check mailboxes/ and templates/, then make the running `helpdesk run` read them again (SIGHUP).",
        discussion: "A set with errors is not sent: every error is printed and the gateway keeps its running set.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        // The same check the gateway makes, minus passwords: this shell rarely has them.
        try HelpdeskGateway.check(settings: options.settings)
        guard let holder = try InstanceLock.holder(ofDatabase: options.instanceLockBase) else {
            throw CommandFailure("no `helpdesk run` is using \(options.databaseDisplay) here; the files check out, and a gateway started now reads them")
        }
        guard holder.host == ProcessInfo.processInfo.hostName else {
            throw CommandFailure("the gateway using \(options.databaseDisplay) runs on \(holder.host), not here; run `helpdesk reload` there (or send SIGHUP to pid \(holder.pid))")
        }
        // Only a live helpdesk is signalled, never whatever took over a stale pid.
        guard InstanceLock.isAlive(holder) else {
            throw CommandFailure("the lock on \(options.databaseDisplay) is held, but it names \(holder), which is not a running helpdesk; try again in a moment")
        }
        guard kill(holder.pid, SIGHUP) == 0 else {
            throw CommandFailure("cannot signal pid \(holder.pid): \(String(cString: strerror(errno))); run as the gateway's user")
        }
        print("files ok; asked the gateway (\(holder)) to reload; it logs 'configuration reloaded', or why it refused")
    }
}
