import Foundation
import Gateway
import MailgateTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Instance lock", .timeLimit(.minutes(5)))
struct InstanceLockTests {
    @Test("a second lock on the same database is refused, naming this process and host")
    func aSecondLockIsRefused() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("helpdesk.sqlite")
        let first = try InstanceLock(database: database)
        #expect(first.path == database + ".lock")
        let refusal = #expect(throws: InstanceLock.Held.self) { _ = try InstanceLock(database: database) }
        let holder = try #require(refusal?.holder)
        #expect(holder.pid == getpid())
        #expect(holder.host == ProcessInfo.processInfo.hostName)
        #expect(refusal?.database == database)
        #expect(refusal?.description.contains("pid \(getpid())") == true)
        withExtendedLifetime(first) {}
    }

    @Test("the holder is readable while the lock is held, and nobody once it is released")
    func holderWhileHeldAndAfter() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("helpdesk.sqlite")
        #expect(try InstanceLock.holder(ofDatabase: database) == nil, "no lock file yet")

        var lock: InstanceLock? = try InstanceLock(database: database)
        let holder = try #require(try InstanceLock.holder(ofDatabase: database))
        #expect(holder.pid == getpid() && holder.host == ProcessInfo.processInfo.hostName)
        #expect(ISO8601DateFormatter().date(from: holder.since) != nil, "since: \(holder.since)")
        #expect(lock != nil)

        lock = nil
        // The file stays with the old holder's words in it; only the kernel's lock counts.
        #expect(FileManager.default.fileExists(atPath: InstanceLock.path(forDatabase: database)))
        #expect(try InstanceLock.holder(ofDatabase: database) == nil)
        let again = try InstanceLock(database: database)
        #expect(try InstanceLock.holder(ofDatabase: database)?.pid == getpid())
        withExtendedLifetime(again) {}
    }

    @Test("locks on different databases are independent")
    func otherDatabasesAreIndependent() throws {
        let directory = try TemporaryDirectory()
        let one = directory.path("one.sqlite"), two = directory.path("two.sqlite")
        var first: InstanceLock? = try InstanceLock(database: one)
        let second = try InstanceLock(database: two)
        #expect(try InstanceLock.holder(ofDatabase: two) != nil)
        first = nil
        #expect(try first == nil && InstanceLock.holder(ofDatabase: one) == nil)
        #expect(try InstanceLock.holder(ofDatabase: two) != nil, "releasing one leaves the other held")
        #expect(throws: InstanceLock.Held.self) { _ = try InstanceLock(database: two) }
        withExtendedLifetime(second) {}
    }

    @Test("a lock file that cannot be created is a plain error naming the file")
    func unwritableFolder() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("data")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        guard let undo = Unwritable.make(folder) else {
            try Test.cancel("no way to make a folder unwritable for this process here")
        }
        defer { withExtendedLifetime(directory) { undo() } }
        let database = folder + "/helpdesk.sqlite"
        let error = #expect(throws: InstanceLock.Unavailable.self) { _ = try InstanceLock(database: database) }
        #expect(error?.description.contains(database + ".lock") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("writable") == true)
        #expect((error as (any Error)?).map { ($0 as NSError).domain } != NSCocoaErrorDomain)
    }

    @Test("a lock in a folder that does not exist is the same plain error")
    func missingFolder() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("nowhere") + "/helpdesk.sqlite"
        let error = #expect(throws: InstanceLock.Unavailable.self) { _ = try InstanceLock(database: database) }
        #expect(error?.description.contains(database + ".lock") == true)
    }

    static let python = "/usr/bin/python3"

    @Test(
        "a holder killed with SIGKILL leaves no stale lock",
        .enabled(if: FileManager.default.isExecutableFile(atPath: python), "needs \(python) to hold a lock in another process"))
    func aKilledHolderLeavesNoStaleLock() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("helpdesk.sqlite")
        // Another process takes the lock as `helpdesk run` does and writes its holder lines; the
        // sleep bounds its life if the test goes wrong.
        let script = """
            import fcntl, os, sys, time
            f = open(sys.argv[1], "a+")
            fcntl.flock(f, fcntl.LOCK_EX)
            f.truncate(0)
            f.write("host=child-host\\npid=%d\\nsince=then\\n" % os.getpid())
            f.flush()
            print("locked", flush=True)
            time.sleep(30)
            """
        let child = try ChildProcess(Self.python, ["-c", script, InstanceLock.path(forDatabase: database)])
        let deadline = Date(timeIntervalSinceNow: 10)
        while !child.stdout.contains("locked"), child.wait(seconds: 0) == nil, Date() < deadline { usleep(20_000) }
        try #require(child.stdout.contains("locked"), "the child did not take the lock: \(child.stderr)")

        let refusal = #expect(throws: InstanceLock.Held.self) { _ = try InstanceLock(database: database) }
        #expect(refusal?.holder?.pid == child.pid && refusal?.holder?.host == "child-host" && refusal?.holder?.since == "then")
        #expect(try InstanceLock.holder(ofDatabase: database)?.pid == child.pid)

        child.signal(SIGKILL)
        #expect(child.wait(seconds: 10) == 128 + SIGKILL)
        #expect(try InstanceLock.holder(ofDatabase: database) == nil, "the kernel dropped the dead process's lock")
        let lock = try InstanceLock(database: database)
        #expect(try InstanceLock.holder(ofDatabase: database)?.pid == getpid(), "the new holder's lines replace the dead one's")
        withExtendedLifetime(lock) {}
    }
}
