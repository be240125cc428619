import Dispatch
import Foundation
import IntercomAPI
import Synchronization

// The one place where the import's threads and async code meet.

/// Runs an async client call to completion and waits for it on the calling thread.
///
/// The import's workers are Dispatch threads (one serial queue each); the HTTP client is async. Waiting here is
/// safe because these threads are not the cooperative pool's: the call itself runs on the pool and on the client's
/// event loops, which never wait for a worker.
@discardableResult
func waitFor<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws(IntercomError) -> T {
    try PendingCall { () async throws(IntercomError) -> T in
        do {
            return try await operation()
        } catch let error as IntercomError {
            throw error
        } catch {
            throw IntercomError(.transport, message: "\(error)")
        }
    }.wait()
}

/// The result handed from the task back to the waiting thread.
private final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, IntercomError>?>(nil)

    func set(_ result: Result<T, IntercomError>) {
        value.withLock { $0 = result }
    }

    func take() -> Result<T, IntercomError> {
        value.withLock { $0! }
    }
}

/// An async client call started now and waited for later, so that a worker can overlap it with other calls.
final class PendingCall<T: Sendable>: Sendable {
    private let box = ResultBox<T>()
    private let done = DispatchSemaphore(value: 0)

    init(_ operation: @escaping @Sendable () async throws(IntercomError) -> T) {
        let box = self.box
        let done = self.done
        Task {
            do throws(IntercomError) {
                box.set(.success(try await operation()))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
    }

    /// Blocks until the call is over.
    func wait() throws(IntercomError) -> T {
        done.wait()
        return try box.take().get()
    }
}

/// Runs blocking work on a thread of its own and waits for it without blocking the cooperative pool: the other
/// direction of ``waitFor(_:)``, for the import's reader and workers, which wait on locks and queues.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
