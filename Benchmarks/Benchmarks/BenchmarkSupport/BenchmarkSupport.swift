// Helpers shared by Sentio's benchmark targets.
import Benchmark
import Foundation

/// The repository root (this file is Benchmarks/Benchmarks/BenchmarkSupport/BenchmarkSupport.swift).
public let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Seconds of audio processed per second of this thread's CPU time.
public let audioPerCPUSecond = BenchmarkMetric.custom("audio s / CPU s", polarity: .prefersLarger,
                                                      useScalingFactor: false)

/// CPU time consumed by the calling thread, in seconds.
public func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
