// swift-tools-version: 6.1
//
// Sentio: speech-emotion feature extraction for Linux.
// The library target `Sentio` holds the whole pipeline; the `sentio` executable is a thin CLI over it.
// Benchmarks live in their own package under Benchmarks/ so library users never build the benchmark harness.
import PackageDescription

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
            resources: [.copy("Resources/emotion-model.json")]
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
