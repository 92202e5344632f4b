import Foundation

/// Runs blocking work (libcurl transfers, fsync) on dedicated threads, outside Swift's cooperative
/// thread pool, and hands the results back to async callers.
///
/// Threads are started on demand up to `maximumThreads` and stop after `idleTimeoutSeconds`
/// without work, so a pool that is no longer used leaves nothing running for long. Each thread
/// owns one `Context` (e.g. a libcurl handle whose connections it reuses), created on that thread
/// and never shared with another. Jobs beyond `maximumThreads` wait in a FIFO queue.
///
/// `@unchecked Sendable` is justified: every mutable property is read and written only while
/// `condition` is locked, and a `Context` never leaves the thread that created it.
final class BlockingWorkerPool<Context>: @unchecked Sendable {
    private typealias Job = @Sendable (Context) -> Void

    private let condition = NSCondition()
    private let name: String
    private let maximumThreads: Int
    private let idleTimeoutSeconds: Double
    private let makeContext: @Sendable () -> Context
    // Guarded by `condition`.
    private var jobs: [Job] = []
    private var threadCount = 0
    private var idleCount = 0

    /// - Parameters:
    ///   - name: a thread name prefix, for debuggers and `top -H`.
    ///   - maximumThreads: at most this many jobs run at once (at least 1).
    ///   - idleTimeoutSeconds: an idle thread stops after this long.
    ///   - makeContext: creates a thread's context, on that thread.
    init(name: String, maximumThreads: Int, idleTimeoutSeconds: Double = 60,
         makeContext: @escaping @Sendable () -> Context) {
        self.name = name
        self.maximumThreads = max(1, maximumThreads)
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.makeContext = makeContext
    }

    /// Runs `work` on one of the pool's threads and returns its result. The calling task is
    /// suspended meanwhile; cancelling it does not interrupt the work, which runs to its end.
    func run<Result: Sendable>(_ work: @escaping @Sendable (Context) -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            enqueue { context in continuation.resume(returning: work(context)) }
        }
    }

    private func enqueue(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        // Idle threads that were signalled may not have woken yet: count the queue against them.
        let startThread = jobs.count > idleCount && threadCount < maximumThreads
        if startThread { threadCount += 1 }
        condition.signal()
        condition.unlock()
        if startThread {
            let thread = Thread { [self] in self.workLoop() }
            thread.name = "\(name)-worker"
            thread.start()
        }
    }

    /// Takes jobs until none has come for `idleTimeoutSeconds`.
    private func workLoop() {
        let context = makeContext()
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job(context)
                condition.lock()
                continue
            }
            idleCount += 1
            let woken = condition.wait(until: Date(timeIntervalSinceNow: idleTimeoutSeconds))
            idleCount -= 1
            // The queue is checked under the lock, so a job enqueued just as the wait timed out
            // is still taken (by this thread, on the next turn) before the thread may stop.
            if !woken && jobs.isEmpty { break }
        }
        threadCount -= 1
        condition.unlock()
        withExtendedLifetime(context) {}
    }
}
