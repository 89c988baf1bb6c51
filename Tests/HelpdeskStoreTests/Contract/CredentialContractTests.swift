import Foundation
import HelpdeskStore
import Testing

@Suite("Store contract: kept refresh tokens")
struct CredentialContractTests {
    @Test("a kept token is read back, replaced whole, and separate per key", arguments: StoreBackend.all)
    func keepAndReplace(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.refreshToken(key: "support/imap") == nil)
        let first = KeptRefreshToken(key: "support/imap", token: "rt-1", seed: "abc", keptAt: Contract.at(10))
        try store.keep(first)
        #expect(try store.refreshToken(key: "support/imap") == first)
        let second = KeptRefreshToken(key: "support/imap", token: "rt-2", seed: "", keptAt: Contract.at(20))
        try store.keep(second)
        #expect(try store.refreshToken(key: "support/imap") == second)
        #expect(try store.refreshToken(key: "support/smtp") == nil)
        try store.keep(KeptRefreshToken(key: "support/smtp", token: "rt-s", seed: "", keptAt: Contract.at(30)))
        #expect(try store.refreshToken(key: "support/imap")?.token == "rt-2")
    }

    @Test("an empty token is refused", arguments: StoreBackend.all)
    func emptyTokenRefused(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(throws: (any Error).self) {
            try store.keep(KeptRefreshToken(key: "support/imap", token: "", seed: "", keptAt: Contract.at(10)))
        }
    }
}
