// swift-tools-version:6.1
import PackageDescription

// One settings list for every target, so the whole package reads the same way.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Mailgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "helpdesk", targets: ["helpdesk"]),
        .executable(name: "helpdesk-bench", targets: ["helpdesk-bench"]),
        .library(name: "MIME", targets: ["MIME"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Only the HTTP server: swift-configuration support is not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(name: "MIME", swiftSettings: swiftSettings),
        .target(name: "HelpdeskCore", dependencies: ["MIME", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(
            name: "HelpdeskStore",
            dependencies: [
                "HelpdeskCore",
                "MIME",
                .product(name: "GRDB", package: "GRDB.swift"),
                // GRDB's own SQLite module: text is bound with its length (`ColumnValues`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL store: its own target, so only what opens one links postgres-nio.
        .target(
            name: "HelpdeskPostgres",
            dependencies: [
                "HelpdeskCore",
                "HelpdeskStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MailTransport",
            // MIME for the wire forms of international addresses (IDNA) in the SMTP envelope.
            dependencies: ["CCurl", "MIME", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "MIME", "HelpdeskCore", "HelpdeskStore", "HelpdeskPostgres", "MailTransport",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The running gateway's HTTP side: /metrics, /healthz, /readyz. Its own target, so only the
        // daemon links the HTTP server.
        .target(
            name: "Monitoring",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "helpdesk",
            dependencies: ["Gateway", "Monitoring", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "helpdesk-bench",
            dependencies: [
                "MIME", "MailTransport", "HelpdeskCore", "HelpdeskStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers the test targets share: a seeded generator, the core's rules driving a store.
        .target(name: "MailgateTestSupport", dependencies: ["HelpdeskCore", "HelpdeskStore", "HelpdeskPostgres"], path: "Tests/Support", swiftSettings: swiftSettings),
        .testTarget(name: "MIMETests", dependencies: ["MIME", "MailgateTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HelpdeskCoreTests", dependencies: ["HelpdeskCore", "MailgateTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HelpdeskStoreTests",
            dependencies: ["HelpdeskStore", "HelpdeskPostgres", "MailgateTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring"], swiftSettings: swiftSettings),
        .testTarget(name: "MailTransportTests", dependencies: ["MailTransport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "MIME", "HelpdeskCore", "HelpdeskStore", "MailTransport", "MailgateTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                // Read-only looks at a database another process is writing (the crash tests).
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // Golden messages are read from the checkout by path, not bundled.
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
