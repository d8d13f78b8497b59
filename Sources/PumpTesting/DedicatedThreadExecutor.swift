import Foundation

/// A task executor with a thread of its own, for the servers a test stands up in its own process
/// (a webhook receiver, a stand-in daemon). Swift Testing runs the tests in parallel on the
/// cooperative pool, which has one thread per core, and the many tests that wait synchronously (for
/// a process, on a socket read) can hold every thread of it for seconds on a loaded machine: a
/// fixture served from that pool then stops accepting, and the program under test times out
/// against it (the thread-sanitizer pass saw `pumpalert` never reach a stand-in daemon in 20 s).
/// Jobs run one at a time in the order they arrive; the thread ends with ``shutdown()``.
package final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `running` are touched only under `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var running = true

    package init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs queued so far have run.
    package func shutdown() {
        condition.lock()
        running = false
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && running { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
