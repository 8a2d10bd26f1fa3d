// httplib's default pool has max(8, cores-1) threads and each long-lived
// stream holds one: the 9th stream would wait forever. This queue runs every
// connection on its own thread (~75 KB RSS per idle TLS stream, measured).
// Internal to relay/.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace relay {

class ThreadPerConnection : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++running_;
        }
        std::thread([this, fn = std::move(fn)] {
            fn();
            std::lock_guard<std::mutex> lock(mutex_);
            if (--running_ == 0) idle_.notify_all();
        }).detach();
    }

    // Waits for every connection thread (httplib calls this from listen()).
    void shutdown() override {
        std::unique_lock<std::mutex> lock(mutex_);
        idle_.wait(lock, [this] { return running_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable idle_;
    std::size_t running_ = 0;
};

}  // namespace relay
