// swift-tools-version: 6.1
//
// Sentio: speech-emotion feature extraction for Linux.
// The library target `Sentio` holds the whole pipeline; the `sentio` executable is a thin CLI over it.
// Benchmarks live in their own package under Benchmarks/ so library users never build the benchmark harness.
import Foundation
import PackageDescription

/// `SENTIO_PORTABLE=1 swift build ...` leaves out every unsafe compiler flag below. SwiftPM refuses such
/// flags in a package that another one depends on by version, so a program depending on Sentio `from:` a
/// version builds with `SENTIO_PORTABLE=1` (a path or branch dependency builds either way).
let portable = ProcessInfo.processInfo.environment["SENTIO_PORTABLE"] != nil

/// Sentio's vector code (`SIMD8<Float>`, `SIMD4<Double>`) compiles to one AVX2 instruction per operation
/// instead of two SSE ones when the compiler may target Haswell-class x86-64 CPUs (AVX2, FMA, BMI2; 2013 on):
/// eGeMAPS takes 14 % less CPU, with the same numbers (Swift does not contract `a * b + c` into FMA).
/// Enabled when the machine building Sentio has those instructions and the build is not portable.
let targetsHaswell: Bool = {
    #if arch(x86_64)
    guard !portable,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let have = Set(flags.split(separator: " "))
    return ["avx2", "fma", "bmi2"].allSatisfy { have.contains(Substring($0)) }
    #else
    return false
    #endif
}()

let package = Package(
    name: "Sentio",
    products: [
        .library(name: "Sentio", targets: ["Sentio"]),
        .executable(name: "sentio", targets: ["sentio"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Single-precision FFTW 3 (libfftw3f).
        .systemLibrary(
            name: "CFFTW",
            pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]
        ),
        // libsndfile: WAV/FLAC/OGG/Opus/MP3 decoding.
        .systemLibrary(
            name: "CSndfile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]
        ),
        // libsoxr: band-limited streaming sample-rate conversion.
        .systemLibrary(
            name: "CSoxr",
            pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]
        ),
        .target(
            name: "Sentio",
            dependencies: ["CFFTW", "CSndfile", "CSoxr"],
            // The bundled emotion model (Scripts/train-default-model.sh reproduces it).
            resources: [.copy("Resources/emotion-model.json")],
            swiftSettings: portable ? [] : [
                // Release builds leave out the run-time exclusivity checks on class properties (2-6 % of the
                // time in the frame loops); debug builds, which the tests use, keep them.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ] + (targetsHaswell ? [.unsafeFlags(["-target-cpu", "haswell"])] : [])
        ),
        .executableTarget(
            name: "sentio",
            dependencies: [
                "Sentio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SentioTests",
            // The CLI tests run the built `sentio` executable, so the test build must produce it.
            dependencies: ["Sentio", "sentio"]
        ),
    ]
)
