// swift-tools-version: 6.2
import PackageDescription

// MARK: - Code generation for kernels
//
// Kernels are the only targets that get CPU-specific code generation. C kernels carry
// `__attribute__((target("avx2,fma")))` per function, so the C target itself only needs -O3
// (kept in debug builds too, so `swift test` exercises the same code paths at a useful speed).
// `strata` checks for AVX2/FMA at start-up, before any kernel runs.
let kernelCSettings: [CSetting] = [.unsafeFlags(["-O3"])]

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "Strata", targets: ["StrataCore", "StrataKernels", "StrataIO", "StrataPrep", "StrataCluster", "StrataAnomaly"]),
        // The C ABI: tables through the Arrow C Stream Interface (Sources/StrataC/strata.h).
        .library(name: "StrataC", type: .dynamic, targets: ["StrataC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - Column store
        .target(name: "_CStrataPlatform"),
        .target(name: "StrataCore", dependencies: ["_CStrataPlatform"]),

        // MARK: - Kernels (SIMD, BLAS shims)
        .systemLibrary(
            name: "_CStrataBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "_CStrataKernels", cSettings: kernelCSettings),
        .target(name: "StrataKernels", dependencies: ["StrataCore", "_CStrataKernels", "_CStrataBLAS"]),

        // MARK: - Ingest and export
        // Codecs (Debian's libsnappy-dev, zlib1g-dev, libzstd-dev, liblz4-dev) and Parquet's
        // bit-level decoders, in C with no Swift API.
        .target(
            name: "_CStrataCodecs",
            cSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("snappy"), .linkedLibrary("z"), .linkedLibrary("zstd"), .linkedLibrary("lz4")]
        ),
        .target(name: "StrataIO", dependencies: ["StrataCore", "_CStrataCodecs"]),

        // MARK: - Algorithms
        .target(name: "StrataPrep", dependencies: ["StrataCore", "StrataKernels"]),
        .target(name: "StrataSynth", dependencies: ["StrataCore"]),
        .target(name: "StrataCluster", dependencies: ["StrataCore", "StrataKernels", "_CStrataKernels", "StrataPrep"]),
        .target(name: "StrataAnomaly", dependencies: ["StrataCore", "StrataKernels", "_CStrataKernels", "StrataPrep"]),
        .target(name: "StrataAnalytics", dependencies: ["StrataCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "StrataPredict", dependencies: ["StrataCore"]),
        .target(name: "StrataClean", dependencies: ["StrataCore", "StrataAnalytics", .product(name: "Yams", package: "Yams")]),
        .target(name: "StrataValidate", dependencies: ["StrataCore", "StrataAnomaly", "StrataPrep", .product(name: "Yams", package: "Yams")]),

        // MARK: - Interfaces
        .target(name: "StrataPlot"),
        .target(
            name: "StrataPipeline",
            dependencies: ["StrataCore", "StrataIO", "StrataPrep", "StrataCluster", "StrataAnalytics", "StrataClean", "StrataPredict",
                           "StrataValidate", "StrataPlot", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "StrataCLI",
            dependencies: [
                "StrataCore", "StrataKernels", "StrataIO", "StrataPrep", "StrataSynth", "StrataCluster", "StrataAnomaly", "StrataValidate", "StrataAnalytics", "StrataClean", "StrataPredict", "StrataPipeline", "StrataPlot", "_CStrataPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "strata", dependencies: ["StrataCLI", "_CStrataPlatform"]),
        .target(name: "StrataC", dependencies: ["StrataCore", "StrataIO", "_CStrataCodecs"], exclude: ["strata.h"]),

        // MARK: - Tests
        .target(name: "StrataTestSupport", dependencies: ["StrataCore"], path: "Tests/StrataTestSupport"),
        .testTarget(name: "StrataCoreTests", dependencies: ["StrataCore", "StrataTestSupport"]),
        .testTarget(name: "StrataKernelsTests", dependencies: ["StrataKernels", "StrataTestSupport"]),
        .testTarget(
            name: "StrataIOTests",
            dependencies: ["StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataPrepTests",
            dependencies: ["StrataPrep", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataClusterTests",
            dependencies: ["StrataCluster", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataAnomalyTests",
            dependencies: ["StrataAnomaly", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataAnalyticsTests",
            dependencies: ["StrataAnalytics", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataPredictTests",
            dependencies: ["StrataPredict", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataCleanTests",
            dependencies: ["StrataClean", "StrataIO", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "StrataValidateTests", dependencies: ["StrataValidate", "StrataIO", "StrataTestSupport"]),
        .testTarget(name: "StrataCLITests", dependencies: ["StrataCLI", "strata", "StrataIO", "StrataTestSupport"]),
    ]
)
