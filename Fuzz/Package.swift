// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets over Strata's readers, in their own package (as the benchmarks) so that normal
// builds never see them. Built and run by `make fuzz` with Swift's -sanitize=fuzzer,address;
// each target's crashes land in Fuzz/artifacts/ and are copied into the regression corpus the
// tests replay (Tests/StrataIOTests/Fixtures/fuzz).
let package = Package(
    name: "StrataFuzz",
    dependencies: [.package(name: "Strata", path: "..")],
    targets: [
        .executableTarget(name: "FuzzParquet", dependencies: [.product(name: "Strata", package: "Strata")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(name: "FuzzCSV", dependencies: [.product(name: "Strata", package: "Strata")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(name: "FuzzArrow", dependencies: [.product(name: "Strata", package: "Strata")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
