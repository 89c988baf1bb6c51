import Monitoring
import Testing

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, true),
        ("9464", "127.0.0.1", 9464, true),
        (":9464", "127.0.0.1", 9464, true),
        ("localhost:80", "localhost", 80, true),
        ("[::1]:9464", "::1", 9464, true),
        ("0.0.0.0:9464", "0.0.0.0", 9464, false),
        ("10.1.2.3:0", "10.1.2.3", 0, false),
    ])
    func parses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(ListenAddress(parsing: text))
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
    }

    @Test(arguments: ["", "host", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:-1", "127.0.0.1:http", "a b:80"])
    func refuses(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test func describesIPv6InBrackets() {
        #expect(ListenAddress(host: "::1", port: 9464).description == "[::1]:9464")
        #expect(ListenAddress(host: "127.0.0.1", port: 9464).description == "127.0.0.1:9464")
    }
}
