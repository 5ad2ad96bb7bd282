// swift-tools-version: 6.1
//
// Sentio's micro-benchmarks, a package of its own so that users of the library never build the benchmark
// harness. Run from this folder: `swift package benchmark` (see ../README.md).
import PackageDescription

// A path dependency's package identity is its folder name, which is whatever the checkout is called.
let sentioPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main")

let package = Package(
    name: "SentioBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/BenchmarkSupport"
        ),
        .executableTarget(
            name: "AudioInput",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Sentio", package: sentioPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AudioInput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Stages",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Sentio", package: sentioPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Features",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Sentio", package: sentioPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Features",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
