// swift-tools-version:6.2
import PackageDescription

// The targets follow the data flow: bytes (CSystemZlib) -> records (ContactIO) -> commands (ETLCommands) -> the
// thin `intercom-etl` executable. Later layers (IntercomAPI, ContactSync, IntercomSandbox) slot in between.
// JSONText (JSON values, the scanner, UTF-8 validation) is at the bottom: the readers, the client and the sandbox
// share it, and the client and the sandbox need nothing else of the readers.
let package = Package(
    name: "intercom-etl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intercom-etl", targets: ["intercom-etl"]),
        .library(name: "ContactIO", targets: ["ContactIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CExpat",
            pkgConfig: "expat",
            providers: [.apt(["libexpat1-dev"]), .brew(["expat"])]
        ),
        .systemLibrary(name: "CMalloc"),
        // libphonenumber (C++) behind a C interface: the authority on phone numbers (PhoneNumbers in ContactMapping).
        .target(
            name: "CPhoneNumber",
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("protobuf"), .linkedLibrary("stdc++")]
        ),
        .systemLibrary(name: "CPrefetch"),
        .target(
            name: "JSONText",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ContactIO",
            dependencies: [
                "CSystemZlib", "CExpat", "JSONText", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IntercomSandbox",
            dependencies: [
                "JSONText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ContactMapping",
            dependencies: [
                "ContactIO",
                "JSONText",
                "CPrefetch",
                "CPhoneNumber",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IntercomAPI",
            dependencies: [
                "JSONText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ContactSync",
            dependencies: [
                "ContactIO", "ContactMapping", "IntercomAPI", "JSONText", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ETLCommands",
            dependencies: [
                "ContactIO",
                "ContactMapping",
                "ContactSync",
                "IntercomAPI",
                "IntercomSandbox",
                "JSONText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "intercom-etl",
            dependencies: ["ETLCommands", "CMalloc"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "contactio-bench",
            dependencies: ["ContactIO", "ContactMapping", "ContactSync", "JSONText"],
            path: "benchmarks/ContactIOBench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "contactio-fuzz",
            dependencies: ["ContactIO"],
            path: "fuzz/ContactIOFuzz",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JSONTextTests",
            dependencies: ["JSONText"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ContactIOTests",
            dependencies: ["ContactIO", "JSONText", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ContactMappingTests",
            dependencies: [
                "ContactMapping", "ContactIO", "JSONText", "SandboxTestSupport", "IntercomAPI", "IntercomSandbox",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SandboxTestSupport",
            dependencies: [
                "IntercomAPI",
                "IntercomSandbox",
                "JSONText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SandboxTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ContactSyncTests",
            dependencies: [
                "SandboxTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                "ContactSync",
                "ContactMapping",
                "IntercomAPI",
                "IntercomSandbox",
                "JSONText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntercomSandboxTests",
            dependencies: [
                "IntercomSandbox",
                "JSONText",
                "SandboxTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntercomAPITests",
            dependencies: [
                "SandboxTestSupport",
                "IntercomAPI",
                "IntercomSandbox",
                "JSONText",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ETLCommandsTests",
            dependencies: [
                "ETLCommands",
                "ContactIO",
                "IntercomAPI",
                "IntercomSandbox",
                "JSONText",
                "SandboxTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Our own targets build with every warning as an error, so "no warnings" is enforced, not hoped for.
var strictSettings: [SwiftSetting] {
    [.treatAllWarnings(as: .error)]
}
