// swift-tools-version: 6.2
// pumpmond: watches implanted drug-infusion pumps and decides, with evidence, when replacing one is
// medically necessary under coverage policy CG-SURG-79. See README.md for the map of modules.
import PackageDescription

/// Every target of ours builds in Swift 6 language mode with warnings treated as errors.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

/// Test code is compiled without optimisation even in scripts/test's release build: it drives the
/// optimised programs and libraries and gains nothing from -O, which cost a minute of CI's build.
let testCode = strict + [.unsafeFlags(["-Onone"], .when(configuration: .release))]

let package = Package(
    name: "pumpmond",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pumpmond", targets: ["pumpmond"]),
        .executable(name: "pumpctl", targets: ["pumpctl"]),
        .executable(name: "pumpsim", targets: ["pumpsim"]),
        .executable(name: "pumpalert", targets: ["pumpalert"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // The Alertmanager notifier's HTTP client, in pumpalert alone: pumpmond, pumpctl and the tests stay off it.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // The daemon's /metrics: swift-metrics objects over a swift-prometheus registry.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Pure core (the standard library only; PumpTelemetry and PumpControlProtocol read and
        // write JSON through PumpJSON)
        .target(name: "PumpJSON", swiftSettings: strict),
        .target(name: "PumpPolicy", swiftSettings: strict),
        .target(name: "PumpTelemetry", dependencies: ["PumpJSON"], swiftSettings: strict),
        .target(name: "PumpHealth", swiftSettings: strict),
        .target(name: "PumpControlProtocol", dependencies: ["PumpJSON"], swiftSettings: strict),
        .target(name: "PumpAlerts", dependencies: ["PumpControlProtocol", "PumpTelemetry"], swiftSettings: strict),
        .target(
            name: "PumpFHIR", dependencies: ["PumpJSON", "PumpControlProtocol", "PumpPolicy"], swiftSettings: strict),
        // HL7 v2 over MLLP (IHE PCD-01, PCD-04): deframing, the ER7 parser, the mapping to protocol v1, ACKs.
        .target(name: "PumpHL7", dependencies: ["PumpJSON", "PumpTelemetry"], swiftSettings: strict),

        // MARK: Edges
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "SystemdSupport",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "PumpStore",
            dependencies: [
                "PumpJSON", "PumpPolicy", "PumpTelemetry", "PumpHealth", "PumpControlProtocol",
                .product(name: "GRDB", package: "GRDB.swift"), "CLibcrypto",
            ],
            swiftSettings: strict),
        // Ingest orchestration above the store: validate, detect, decide, record, in store transactions.
        .target(
            name: "PumpIngest",
            dependencies: [
                "PumpJSON", "PumpPolicy", "PumpTelemetry", "PumpHealth", "PumpControlProtocol", "PumpStore",
            ],
            swiftSettings: strict),
        .target(
            name: "PumpDaemon",
            dependencies: [
                "PumpPolicy", "PumpTelemetry", "PumpHealth", "PumpControlProtocol", "PumpStore", "PumpIngest",
                "PumpAlerts", "PumpHL7", "SystemdSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        .target(
            name: "PumpCtlKit",
            dependencies: [
                "PumpJSON", "PumpPolicy", "PumpControlProtocol", "PumpTelemetry", "PumpFHIR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .target(
            name: "PumpSimKit",
            dependencies: [
                "PumpJSON", "PumpPolicy", "PumpTelemetry", "PumpControlProtocol", "PumpHL7",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "simulator/Sources/PumpSimKit",
            swiftSettings: strict),
        // The Alertmanager notifier: follows the control socket's watch stream, posts to Alertmanager.
        .target(
            name: "PumpAlertKit",
            dependencies: [
                "PumpJSON", "PumpControlProtocol", "SystemdSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "PumpTesting",
            dependencies: ["PumpHealth", "PumpSimKit"],
            swiftSettings: testCode),

        // MARK: Thin executables
        .executableTarget(
            name: "pumpmond",
            dependencies: [
                "PumpDaemon", "PumpHealth", "SystemdSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // pumpctl is a short-lived process: as a fully static executable it starts without the
        // dynamic loader resolving the Swift runtime's and Foundation's relocations (about 3 ms of
        // a 4 ms run; benchmark 3 counts the whole process). lld links it without glibc's warnings
        // about NSS functions in static programs (pumpctl calls none of them). Release only: the
        // sanitizers' runtimes cannot be linked into a static executable (scripts/sanitize builds
        // debug), and the debug build's tests need no start-up speed.
        .executableTarget(
            name: "pumpctl", dependencies: ["PumpCtlKit"],
            swiftSettings: strict + [.unsafeFlags(["-static-executable"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-executable", "-use-ld=lld"], .when(configuration: .release))]),
        .executableTarget(
            name: "pumpalert",
            dependencies: [
                "PumpAlertKit", "SystemdSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "pumpsim",
            dependencies: [
                "PumpSimKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "simulator/Sources/pumpsim",
            swiftSettings: strict),

        // MARK: Benchmarks (make bench)
        .executableTarget(
            name: "pumpbench",
            dependencies: [
                "PumpJSON", "PumpStore", "PumpIngest", "PumpTelemetry", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "bench/Sources/pumpbench",
            swiftSettings: strict),

        // MARK: Tests, one target per module
        .testTarget(
            name: "PumpPolicyTests",
            dependencies: ["PumpPolicy", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpJSONTests", dependencies: ["PumpJSON"], exclude: ["Corpus", "Canonical"], swiftSettings: testCode
        ),
        .testTarget(name: "PumpTelemetryTests", dependencies: ["PumpJSON", "PumpTelemetry"], swiftSettings: testCode),
        .testTarget(name: "PumpAlertsTests", dependencies: ["PumpAlerts"], swiftSettings: testCode),
        .testTarget(
            name: "PumpHL7Tests", dependencies: ["PumpHL7", "PumpJSON", "PumpTelemetry", "PumpTesting"],
            exclude: ["Python", "Examples"], swiftSettings: testCode),
        .testTarget(name: "PumpHealthTests", dependencies: ["PumpHealth", "PumpTesting"], swiftSettings: testCode),
        .testTarget(name: "SystemdSupportTests", dependencies: ["SystemdSupport"], swiftSettings: testCode),
        .testTarget(
            name: "PumpStoreTests",
            dependencies: [
                "PumpStore", "PumpControlProtocol", "PumpHealth", "PumpTelemetry", "PumpTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpIngestTests",
            dependencies: [
                "PumpIngest", "PumpControlProtocol", "PumpHealth", "PumpJSON", "PumpPolicy", "PumpStore",
                "PumpTelemetry", "PumpTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpDaemonTests",
            dependencies: [
                "PumpDaemon", "PumpControlProtocol", "PumpSimKit", "PumpTesting", "PumpStore", "PumpHL7",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpCtlTests",
            dependencies: [
                "PumpCtlKit", "PumpControlProtocol", "PumpTelemetry", "PumpTesting", "PumpFHIR", "PumpJSON",
            ],
            exclude: ["Goldens", "LiveGoldens", "Python"], swiftSettings: testCode),
        .testTarget(
            name: "PumpFHIRTests", dependencies: ["PumpFHIR", "PumpControlProtocol", "PumpJSON", "PumpTesting"],
            exclude: ["Python", "Goldens"], swiftSettings: testCode),
        .testTarget(
            name: "PumpAlertTests",
            dependencies: [
                "PumpAlertKit", "PumpControlProtocol", "PumpJSON", "PumpSimKit", "PumpTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpStressTests",
            dependencies: [
                "PumpSimKit", "PumpTelemetry", "PumpTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testCode),
        .testTarget(
            name: "PumpSimTests",
            dependencies: ["PumpSimKit", "PumpControlProtocol", "PumpPolicy", "PumpTelemetry", "PumpTesting"],
            path: "simulator/Tests/PumpSimTests",
            swiftSettings: testCode),
    ]
)
