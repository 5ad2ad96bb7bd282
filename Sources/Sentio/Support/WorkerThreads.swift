import Foundation
import Synchronization

/// A task executor with a fixed number of dedicated threads, for structured-concurrency tasks that do long
/// blocking work (decoding, DSP). Swift's shared cooperative pool has one thread per core and expects tasks
/// not to block; running a batch's inputs there would cap `--jobs` at the core count and starve other async
/// work. Tasks opt in with `addTask(executorPreference:)`.
package final class WorkerThreads: TaskExecutor, @unchecked Sendable {
    private let queue = Mutex<(jobs: [UnownedJob], stopping: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)
    private let count: Int

    /// Starts `count` threads (at least 1).
    package init(count: Int) {
        self.count = max(1, count)
        for _ in 0..<self.count {
            let thread = Thread { [self] in loop() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Queues `job` to run on the next free thread, in the order jobs arrive.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Lets the threads end once the queued jobs are done.
    package func shutdown() {
        queue.withLock { $0.stopping = true }
        for _ in 0..<count { available.signal() }
    }

    private func loop() {
        while true {
            available.wait()
            let next: UnownedJob? = queue.withLock { state in
                state.jobs.isEmpty ? nil : state.jobs.removeFirst()
            }
            if let next {
                next.runSynchronously(on: asUnownedTaskExecutor())
            } else if queue.withLock({ $0.stopping }) {
                return
            }
        }
    }
}
