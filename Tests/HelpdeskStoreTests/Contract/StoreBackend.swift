import Foundation
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import Testing

/// A store implementation the contract suite runs against: each `make` gives a fresh, empty store
/// and what removes it. The suite uses only the `TicketStore` protocols, so every backend in `all`
/// must pass it unchanged.
///
struct StoreBackend: CustomTestStringConvertible, Sendable {
    let name: String
    /// Whether more than one store instance can be opened on the same data, as separate processes
    /// would: what the cross-process tests need.
    let isShared: Bool
    /// Opens `instances` stores on one fresh, empty database and returns what removes it.
    private let open: @Sendable (_ instances: Int) throws -> (stores: [any TicketStore], cleanup: @Sendable () -> Void)

    init(
        name: String, isShared: Bool,
        open: @escaping @Sendable (_ instances: Int) throws -> (stores: [any TicketStore], cleanup: @Sendable () -> Void)
    ) {
        self.name = name
        self.isShared = isShared
        self.open = open
    }

    var testDescription: String { name }

    /// A fresh, empty store; call `cleanup` when done with it.
    func make() throws -> (store: any TicketStore, cleanup: () -> Void) {
        let opened = try open(1)
        guard let store = opened.stores.first else {
            opened.cleanup()
            throw BackendProblem(description: "\(name) opened no store")
        }
        return (store, opened.cleanup)
    }

    /// `instances` stores on one fresh, empty database, like that many processes; only for
    /// backends that are `isShared`.
    func make(instances: Int) throws -> (stores: [any TicketStore], cleanup: () -> Void) {
        guard isShared || instances == 1 else { throw BackendProblem(description: "\(name) keeps its data private to one instance") }
        let opened = try open(instances)
        return (opened.stores, opened.cleanup)
    }

    struct BackendProblem: Error, CustomStringConvertible {
        var description: String
    }
}

extension StoreBackend {
    /// Every backend the contract suite runs against.
    static let all: [StoreBackend] = [sqliteInMemory, sqliteFile, postgres]

    /// The backends whose data more than one instance can open.
    static let shared: [StoreBackend] = all.filter(\.isShared)

    /// SQLite in memory: one private database per store.
    static let sqliteInMemory = StoreBackend(name: "SQLite in memory", isShared: false) { _ in
        ([try HelpdeskDatabase.inMemory()], {})
    }

    /// SQLite on a file (WAL, a connection pool) in a fresh temporary directory, removed in cleanup.
    static let sqliteFile = StoreBackend(name: "SQLite file", isShared: true) { instances in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let remove: @Sendable () -> Void = { try? FileManager.default.removeItem(at: directory) }
        do {
            let path = directory.appendingPathComponent("helpdesk.sqlite").path
            let stores: [any TicketStore] = try (0..<instances).map { _ in try HelpdeskDatabase(path: path) }
            return (stores, remove)
        } catch {
            remove()
            throw error
        }
    }

    /// PostgreSQL: a fresh database per `make` on the process's private server
    /// (`PostgresTestServer`), dropped in cleanup; each instance has its own pool, as a process would.
    static let postgres = StoreBackend(name: "PostgreSQL", isShared: true) { instances in
        let database = try PostgresTestServer.shared().makeDatabase()
        var opened: [PostgresStore] = []
        do {
            for _ in 0..<instances { opened.append(try PostgresStore(settings: database.settings)) }
        } catch {
            opened.forEach { $0.close() }
            database.drop()
            throw error
        }
        let stores = opened
        return (stores, {
            stores.forEach { $0.close() }
            database.drop()
        })
    }
}
