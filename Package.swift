// swift-tools-version:6.2
import PackageDescription

// The targets follow the data flow: bytes (CZlib) -> records (ContactIO) -> commands (ETLCommands) -> the
// thin `intercom-etl` executable. Later layers (IntercomAPI, ContactSync, IntercomSandbox) slot in between.
let package = Package(
    name: "intercom-etl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intercom-etl", targets: ["intercom-etl"]),
        .library(name: "ContactIO", targets: ["ContactIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "ContactIO",
            dependencies: ["CZlib"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ETLCommands",
            dependencies: [
                "ContactIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "intercom-etl",
            dependencies: ["ETLCommands"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "contactio-bench",
            dependencies: ["ContactIO"],
            path: "benchmarks/ContactIOBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ContactIOTests",
            dependencies: ["ContactIO"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ETLCommandsTests",
            dependencies: ["ETLCommands", "ContactIO"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// Our own targets build with every warning as an error, so "no warnings" is enforced, not hoped for.
var strictSettings: [SwiftSetting] {
    [.treatAllWarnings(as: .error)]
}
