import Foundation

/// A blocking FIFO with a fixed capacity, between the reader and one import worker.
///
/// `put` blocks while the queue is full, so a slow API slows the reader down instead of filling memory. `take`
/// hands out batches: it waits for the first element, then lingers briefly for more, because a lookup of up to 15
/// keys costs one call whatever the number of keys in it.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is locked.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var finished = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    /// Appends `element`, waiting while the queue is full; false if the queue was finished meanwhile.
    @discardableResult
    func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !finished {
            condition.wait()
        }
        guard !finished else { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// Appends `element` if there is room, without waiting: true if appended, false if the queue is finished, nil if
    /// it is full (then `put` waits for room).
    func offer(_ element: Element) -> Bool? {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return false }
        guard items.count - head < capacity else { return nil }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// Up to `limit` elements in order; waits for the first, then up to `linger` seconds for the batch to fill.
    /// - Returns: an empty array once the queue is finished and drained.
    func take(upTo limit: Int, linger: Double) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !finished {
            condition.wait()
        }
        if items.count - head < limit && !finished && linger > 0 {
            let deadline = Date(timeIntervalSinceNow: linger)
            while items.count - head < limit && !finished && condition.wait(until: deadline) {}
        }
        return removeBatch(upTo: limit)
    }

    /// A full batch if one is waiting (or the rest, once the queue is finished); otherwise nothing, at once.
    func takeIfReady(upTo limit: Int) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let available = items.count - head
        guard available >= limit || (finished && available > 0) else { return [] }
        return removeBatch(upTo: limit)
    }

    /// Up to `limit` of the elements waiting now (perhaps none), at once.
    func takeAvailable(upTo limit: Int) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        return removeBatch(upTo: limit)
    }

    /// Called with the lock held.
    private func removeBatch(upTo limit: Int) -> [Element] {
        let count = min(limit, items.count - head)
        let batch = Array(items[head..<head + count])
        head += count
        if head >= capacity {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// No more elements will be put; `take` returns what is left, then empty batches.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Finishes the queue and removes everything still in it (a stopped run reports these rows as not sent).
    func abandon() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        let rest = Array(items[head...])
        items.removeAll()
        head = 0
        condition.broadcast()
        return rest
    }
}
