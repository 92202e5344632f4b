// swift-tools-version:6.0
import PackageDescription

/// Strict settings shared by every target of ours.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "bankgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bankgate", targets: ["bankgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Metrics (issue 12, "What operators see"): the swift-metrics API and its Prometheus back end.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL store (issue 12, "PostgreSQL and several instances").
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries through system-library targets.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
                       providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CLibZip", path: "Sources/CLibZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),
        .target(name: "CCurlShim", path: "Sources/CCurlShim",
                linkerSettings: [.linkedLibrary("dl")]),

        // Our modules, dependencies pointing inward.
        .target(name: "BankGateCore", swiftSettings: strict),
        .target(name: "BankGateXML", dependencies: ["CLibXML2"], swiftSettings: strict),
        .target(name: "BankGateConfig", dependencies: ["BankGateCore"], swiftSettings: strict),
        .target(name: "BankGateAdapters", dependencies: ["BankGateCore", "BankGateXML", "BankGateStatements", "BankGateConfig", "BankGateCrypto"], swiftSettings: strict),
        .target(name: "BankGateTransport", dependencies: ["BankGateCore", "BankGateCrypto", "CCurlShim"], swiftSettings: strict),
        .target(name: "BankGateStore", dependencies: [
            "BankGateCore", "BankGateCrypto", "CSQLite",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "BankGateCrypto", dependencies: ["BankGateCore", "COpenSSL"], swiftSettings: strict),
        .target(name: "BankGateArchive", dependencies: ["CZlib", "CLibZip"], swiftSettings: strict),
        .target(name: "BankGateStatements", dependencies: ["BankGateCore", "BankGateXML"], swiftSettings: strict),
        .target(name: "BankGateReconciliation", dependencies: ["BankGateCore"], swiftSettings: strict),
        .target(name: "BankGateReceipts", dependencies: ["BankGateCore", "BankGateAdapters", "BankGateConfig", "BankGateStatements",
                                                         "CPangoCairo"], swiftSettings: strict),
        .target(name: "BankGateEngine", dependencies: [
            "BankGateCore", "BankGateAdapters", "BankGateTransport", "BankGateStore", "BankGateConfig", "BankGateCrypto",
            "BankGateStatements", "BankGateArchive", "BankGateReconciliation", "BankGateReceipts",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: strict),
        .target(name: "BankGateAPI", dependencies: [
            "BankGateEngine", "BankGateStatements", "BankGateReconciliation", "BankGateCrypto",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // The composition root: the whole gateway assembled from a configuration.
        .target(name: "BankGateRuntime", dependencies: [
            "BankGateAPI", "BankGateEngine", "BankGateConfig", "BankGateCore", "BankGateStore", "BankGateAdapters",
            "BankGateTransport", "BankGateCrypto",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),
        .target(name: "BankGateSimulator", dependencies: [
            "BankGateCore", "BankGateAdapters", "BankGateXML", "BankGateStore", "BankGateStatements", "BankGateCrypto",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "bankgate", dependencies: [
            "BankGateRuntime", "BankGateAPI", "BankGateSimulator", "BankGateTransport", "BankGateArchive", "BankGateCrypto",
            "BankGateConfig", "BankGateCore", "BankGateAdapters", "BankGateStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),

        .executableTarget(name: "bankgate-bench", dependencies: [
            "BankGateAdapters", "BankGateEngine", "BankGateStore", "BankGateTransport", "BankGateReconciliation",
            "BankGateStatements", "BankGateCrypto", "BankGateReceipts",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/Sources/bankgate-bench", swiftSettings: strict),

        // Fuzzing (docs/security.md, "Fuzzing"): the decoders' targets, replayed by the tests and run under
        // libFuzzer by Fuzz/run.sh, which builds only these products with -sanitize=fuzzer,address.
        .target(name: "BankGateFuzzTargets", dependencies: [
            "BankGateAdapters", "BankGateStatements", "BankGateConfig", "BankGateCrypto", "BankGateCore",
        ], path: "Fuzz/Sources/BankGateFuzzTargets", swiftSettings: strict),
        .target(name: "BankGateFuzzIntake", dependencies: ["BankGateFuzzTargets", "BankGateEngine", "BankGateCore"],
                path: "Fuzz/Sources/BankGateFuzzIntake", swiftSettings: strict),
        .executableTarget(name: "bankgate-fuzz", dependencies: ["BankGateFuzzTargets"],
                          path: "Fuzz/Sources/bankgate-fuzz", swiftSettings: strict),
        .executableTarget(name: "bankgate-fuzz-intake", dependencies: ["BankGateFuzzIntake", "BankGateFuzzTargets"],
                          path: "Fuzz/Sources/bankgate-fuzz-intake", swiftSettings: strict),

        // Tests: one target per module, plus end-to-end, and what they share (clocks, harness helpers).
        .target(name: "BankGateTestSupport", dependencies: ["BankGateCore", "CZlib"], path: "Tests/BankGateTestSupport",
                swiftSettings: strict),
        .testTarget(name: "BankGateCoreTests", dependencies: ["BankGateCore"]),
        .testTarget(name: "BankGateConfigTests", dependencies: ["BankGateAdapters", "BankGateConfig"]),
        .testTarget(name: "BankGateAdaptersTests", dependencies: ["BankGateAdapters", "BankGateXML", "BankGateStatements", "BankGateConfig", "BankGateCrypto"]),
        .testTarget(name: "BankGateTransportTests", dependencies: ["BankGateTransport"]),
        .testTarget(name: "BankGateStoreTests", dependencies: ["BankGateStore", "BankGateCrypto", "BankGateTestSupport"]),
        .testTarget(name: "BankGateCryptoTests", dependencies: ["BankGateCrypto", "BankGateCore"], exclude: ["Fixtures"]),
        .testTarget(name: "BankGateStatementsTests", dependencies: ["BankGateStatements", "BankGateXML"], exclude: ["Fixtures"]),
        .testTarget(name: "BankGateArchiveTests", dependencies: ["BankGateArchive", "BankGateTestSupport", "BankGateCrypto"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "BankGateReconciliationTests", dependencies: ["BankGateReconciliation"]),
        .testTarget(name: "BankGateReceiptsTests", dependencies: ["BankGateReceipts", "BankGateAdapters", "BankGateCore", "BankGateTestSupport",
                                                                 "BankGateStatements"]),
        .testTarget(name: "BankGateSimulatorTests", dependencies: ["BankGateSimulator", "BankGateTestSupport", "BankGateCrypto"]),
        .testTarget(name: "BankGateAPITests", dependencies: [
            "BankGateAPI", "BankGateRuntime", "BankGateTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "BankGateEngineTests", dependencies: [
            "BankGateEngine", "BankGateSimulator", "BankGateTestSupport", "BankGateCrypto", "BankGateRuntime",
        ]),
        .testTarget(name: "BankGateFuzzTargetsTests", dependencies: ["BankGateFuzzTargets", "BankGateFuzzIntake"],
                    path: "Fuzz/Tests/BankGateFuzzTargetsTests"),
        .testTarget(name: "BankGateEndToEndTests", dependencies: [
            "BankGateAPI", "BankGateRuntime", "BankGateSimulator", "BankGateTestSupport", "BankGateCrypto", "BankGateConfig",
            "BankGateStore", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
