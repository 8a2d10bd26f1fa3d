#include "relay/frame_queue.h"

namespace relay {

bool FrameQueue::has_room(std::size_t incoming) const {
    return frames_.empty() || bytes_ + incoming <= max_bytes_;
}

std::vector<FrameQueue::Waker> FrameQueue::take_wakers_locked() {
    std::vector<Waker> w;
    w.swap(wakers_);
    return w;
}

void FrameQueue::run(std::vector<Waker> wakers) {
    for (Waker& w : wakers) w();
}

PushResult FrameQueue::push(wire::Frame f, const Cancelled& cancelled) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t size = frame_bytes(f);
    not_full_.wait(lock, [&] { return closed_ || cancelled() || has_room(size); });
    if (closed_) return PushResult::closed;
    if (cancelled()) return PushResult::cancelled;
    bytes_ += size;
    frames_.push_back(std::move(f));
    not_empty_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
    return PushResult::ok;
}

PushResult FrameQueue::push_until(wire::Frame f, const Cancelled& cancelled,
                                  std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t size = frame_bytes(f);
    if (!not_full_.wait_until(lock, deadline, [&] { return closed_ || cancelled() || has_room(size); }))
        return PushResult::timeout;
    if (closed_) return PushResult::closed;
    if (cancelled()) return PushResult::cancelled;
    bytes_ += size;
    frames_.push_back(std::move(f));
    not_empty_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
    return PushResult::ok;
}

PushResult FrameQueue::try_push(wire::Frame& f) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) return PushResult::closed;
    const std::size_t size = frame_bytes(f);
    if (!has_room(size)) return PushResult::full;
    bytes_ += size;
    frames_.push_back(std::move(f));
    not_empty_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
    return PushResult::ok;
}

bool FrameQueue::push_control(wire::Frame f) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t size = frame_bytes(f);
    if (closed_ || bytes_ + size > max_bytes_ + kControlSlack) return false;
    bytes_ += size;
    frames_.push_back(std::move(f));
    not_empty_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
    return true;
}

void FrameQueue::take_batch(std::vector<wire::Frame>& out, std::size_t max_batch) {
    std::size_t taken = 0;
    while (!frames_.empty() && (taken == 0 || taken + frame_bytes(frames_.front()) <= max_batch)) {
        const std::size_t size = frame_bytes(frames_.front());
        taken += size;
        bytes_ -= size;
        out.push_back(std::move(frames_.front()));
        frames_.pop_front();
    }
    not_full_.notify_all();
}

PopResult FrameQueue::pop(std::vector<wire::Frame>& out, std::size_t max_batch,
                          std::chrono::milliseconds timeout, const Cancelled& cancelled) {
    std::unique_lock<std::mutex> lock(mutex_);
    bool ready = not_empty_.wait_for(lock, timeout, [&] { return closed_ || cancelled() || !frames_.empty(); });
    if (cancelled()) return PopResult::cancelled;
    if (!frames_.empty()) {
        take_batch(out, max_batch);
        auto wakers = take_wakers_locked();
        lock.unlock();
        run(std::move(wakers));
        return PopResult::frames;
    }
    return ready ? PopResult::closed : PopResult::timeout;
}

PopResult FrameQueue::try_pop(std::vector<wire::Frame>& out, std::size_t max_batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (frames_.empty()) return closed_ ? PopResult::closed : PopResult::empty;
    take_batch(out, max_batch);
    auto wakers = take_wakers_locked();  // a pusher may wait for this room
    lock.unlock();
    run(std::move(wakers));
    return PopResult::frames;
}

bool FrameQueue::wait_for_frames(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return not_empty_.wait_for(lock, timeout, [&] { return closed_ || !frames_.empty(); });
}

void FrameQueue::close_with(wire::Frame last) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) return;
    bytes_ += frame_bytes(last);
    frames_.push_back(std::move(last));
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
}

void FrameQueue::wake() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.notify_all();
    not_full_.notify_all();
    auto wakers = take_wakers_locked();
    lock.unlock();
    run(std::move(wakers));
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
