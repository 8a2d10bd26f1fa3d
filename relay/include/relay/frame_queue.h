// One direction of a session: the frames waiting for one side's downlink.
// Bounded in bytes, so a slow reader slows its writer (back-pressure) and
// memory per session stays bounded. Thread-safe: any number of pushers and
// poppers.
//
// Two ways to wait. The relay's io threads never block: they use try_push /
// try_pop and, when those cannot proceed, on_change() to be called back at
// the next change. The blocking forms (push, pop, each cancelled by a
// predicate re-checked whenever wake() is called) serve plain threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "wire/frame.h"

namespace relay {

// `full` and `empty` only come from the non-blocking forms.
enum class PushResult { ok, cancelled, closed, timeout, full };
enum class PopResult { frames, timeout, cancelled, closed, empty };

// Bytes a frame occupies in a queue (and on the wire).
inline std::size_t frame_bytes(const wire::Frame& f) { return wire::kHeaderSize + f.payload.size(); }

class FrameQueue {
public:
    using Cancelled = std::function<bool()>;
    // Called once, on the thread that changed the queue, outside its lock: it
    // must be quick and must not call back into this queue (post, don't work).
    using Waker = std::function<void()>;
    // Control frames (pong, peer) may exceed `max_bytes` by this much; beyond
    // that they are dropped, so a side that sends pings but never reads its
    // downlink cannot grow the queue.
    static constexpr std::size_t kControlSlack = 64 * 1024;

    explicit FrameQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    // Blocks while the queue is full. A frame larger than the bound is
    // accepted once the queue is empty (otherwise it could never pass).
    PushResult push(wire::Frame f, const Cancelled& cancelled);
    // Same, but gives up (`timeout`) at `deadline`: poll mode answers the
    // endpoint instead of holding its request forever.
    PushResult push_until(wire::Frame f, const Cancelled& cancelled, std::chrono::steady_clock::time_point deadline);
    // Never blocks. false: dropped (over the slack) or the queue is closed.
    bool push_control(wire::Frame f);
    // Waits up to `timeout` for at least one frame, then takes frames while
    // their total stays within `max_batch` bytes (always at least one).
    // Frames still queued when closed are handed out before `closed`.
    PopResult pop(std::vector<wire::Frame>& out, std::size_t max_batch,
                  std::chrono::milliseconds timeout, const Cancelled& cancelled);
    // Waits up to `timeout` until a frame is queued or the queue closed;
    // takes nothing. true: pop() would not wait.
    bool wait_for_frames(std::chrono::milliseconds timeout);
    // Appends `last` (ignoring the bound) and refuses every later push.
    void close_with(wire::Frame last);
    // Makes blocked calls re-check their cancel predicates, and runs every
    // registered Waker.
    void wake();

    // Non-blocking forms. try_push: ok, full (f is left untouched) or closed;
    // the bound is the same as push()'s.
    PushResult try_push(wire::Frame& f);
    // frames (a batch as pop() takes it), empty, or closed (nothing left).
    PopResult try_pop(std::vector<wire::Frame>& out, std::size_t max_batch);
    // Runs `w` once at the next push, pop, close or wake(). Register before
    // the try_* call whose failure you will wait on: a change in between then
    // still wakes you (at worst once too often, which callers must tolerate).
    void on_change(Waker w);
    std::size_t bytes() const;
    bool closed() const;

private:
    bool has_room(std::size_t incoming) const;
    PushResult push_waiting(wire::Frame f, const Cancelled& cancelled,
                            const std::chrono::steady_clock::time_point* deadline);
    // The lock is held on entry and released on return.
    void append_and_wake(std::unique_lock<std::mutex>& lock, wire::Frame f);
    PopResult take_batch_and_wake(std::unique_lock<std::mutex>& lock, std::vector<wire::Frame>& out,
                                  std::size_t max_batch);
    void unlock_and_wake(std::unique_lock<std::mutex>& lock);

    const std::size_t max_bytes_;
    mutable std::mutex mutex_;
    std::condition_variable not_full_;
    std::condition_variable not_empty_;
    std::deque<wire::Frame> frames_;
    std::size_t bytes_ = 0;
    bool closed_ = false;
    std::vector<Waker> wakers_;
};

}  // namespace relay
