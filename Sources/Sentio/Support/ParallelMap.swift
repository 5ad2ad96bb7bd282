#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// `(0..<count).map(transform)` on up to `jobs` threads; the results keep index order, so the output does
/// not depend on `jobs` as long as `transform` is deterministic per index.
///
/// Work is handed out one index at a time, so a slow item does not hold back the others.
package func parallelMap<T: Sendable>(count: Int, jobs: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    parallelMap(count: count, jobs: jobs, makeState: { () }) { _, i in transform(i) }
}

/// ``parallelMap(count:jobs:_:)`` where each worker thread first makes its own `State` (e.g. a feature
/// extractor, which is not thread-safe) and passes it to every item it handles.
package func parallelMap<T: Sendable, State>(count: Int, jobs: Int, makeState: @Sendable () -> State,
                                            _ transform: @Sendable (inout State, Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let workers = max(1, min(jobs, count))
    if workers == 1 {
        var state = makeState()
        return (0..<count).map { transform(&state, $0) }
    }
    let results = Mutex<[T?]>(Array(repeating: nil, count: count))
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        var state = makeState()
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            let value = transform(&state, i)
            results.withLock { $0[i] = value }
        }
    }
    return results.withLock { $0.map { $0! } }
}

/// The number of processors the system has online (at least 1).
public var processorCount: Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
