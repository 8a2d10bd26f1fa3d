#include "relay/frame_queue.h"

namespace relay {

bool FrameQueue::has_room(std::size_t incoming) const {
    return frames_.empty() || bytes_ + incoming <= max_bytes_;
}

// Every change ends here: the wakers registered so far run after unlocking
// (they may post to other strands; never under our lock).
void FrameQueue::unlock_and_wake(std::unique_lock<std::mutex>& lock) {
    std::vector<Waker> wakers;
    wakers.swap(wakers_);
    lock.unlock();
    for (Waker& w : wakers) w();
}

void FrameQueue::append_and_wake(std::unique_lock<std::mutex>& lock, wire::Frame f) {
    bytes_ += frame_bytes(f);
    frames_.push_back(std::move(f));
    not_empty_.notify_all();
    unlock_and_wake(lock);
}

// The blocking pushes: wait (until `deadline`, if given) for room, then append.
PushResult FrameQueue::push_waiting(wire::Frame f, const Cancelled& cancelled,
                                    const std::chrono::steady_clock::time_point* deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t size = frame_bytes(f);
    auto ready = [&] { return closed_ || cancelled() || has_room(size); };
    if (!deadline) not_full_.wait(lock, ready);
    else if (!not_full_.wait_until(lock, *deadline, ready)) return PushResult::timeout;
    if (closed_) return PushResult::closed;
    if (cancelled()) return PushResult::cancelled;
    append_and_wake(lock, std::move(f));
    return PushResult::ok;
}

PushResult FrameQueue::push(wire::Frame f, const Cancelled& cancelled) {
    return push_waiting(std::move(f), cancelled, nullptr);
}

PushResult FrameQueue::push_until(wire::Frame f, const Cancelled& cancelled,
                                  std::chrono::steady_clock::time_point deadline) {
    return push_waiting(std::move(f), cancelled, &deadline);
}

PushResult FrameQueue::try_push(wire::Frame& f) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) return PushResult::closed;
    if (!has_room(frame_bytes(f))) return PushResult::full;
    append_and_wake(lock, std::move(f));
    return PushResult::ok;
}

bool FrameQueue::push_control(wire::Frame f) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_ || bytes_ + frame_bytes(f) > max_bytes_ + kControlSlack) return false;
    append_and_wake(lock, std::move(f));
    return true;
}

// Takes a batch (the queue holds frames) for pop() and try_pop().
PopResult FrameQueue::take_batch_and_wake(std::unique_lock<std::mutex>& lock, std::vector<wire::Frame>& out,
                                          std::size_t max_batch) {
    std::size_t taken = 0;
    while (!frames_.empty() && (taken == 0 || taken + frame_bytes(frames_.front()) <= max_batch)) {
        const std::size_t size = frame_bytes(frames_.front());
        taken += size;
        bytes_ -= size;
        out.push_back(std::move(frames_.front()));
        frames_.pop_front();
    }
    not_full_.notify_all();
    unlock_and_wake(lock);  // a pusher may wait for this room
    return PopResult::frames;
}

PopResult FrameQueue::pop(std::vector<wire::Frame>& out, std::size_t max_batch,
                          std::chrono::milliseconds timeout, const Cancelled& cancelled) {
    std::unique_lock<std::mutex> lock(mutex_);
    bool ready = not_empty_.wait_for(lock, timeout, [&] { return closed_ || cancelled() || !frames_.empty(); });
    if (cancelled()) return PopResult::cancelled;
    if (!frames_.empty()) return take_batch_and_wake(lock, out, max_batch);
    return ready ? PopResult::closed : PopResult::timeout;
}

PopResult FrameQueue::try_pop(std::vector<wire::Frame>& out, std::size_t max_batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (frames_.empty()) return closed_ ? PopResult::closed : PopResult::empty;
    return take_batch_and_wake(lock, out, max_batch);
}

bool FrameQueue::wait_for_frames(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return not_empty_.wait_for(lock, timeout, [&] { return closed_ || !frames_.empty(); });
}

void FrameQueue::close_with(wire::Frame last) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    not_full_.notify_all();
    append_and_wake(lock, std::move(last));
}

void FrameQueue::wake() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.notify_all();
    not_full_.notify_all();
    unlock_and_wake(lock);
}

void FrameQueue::on_change(Waker w) {
    std::lock_guard<std::mutex> lock(mutex_);
    wakers_.push_back(std::move(w));
}

std::size_t FrameQueue::bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
}

bool FrameQueue::closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
}

}  // namespace relay
