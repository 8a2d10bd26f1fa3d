// Drives one libcurl easy handle on the calling thread through its own multi
// handle, so that another thread can wake it (new bytes to upload, room for
// more download) or stop it at once, without polling with sleeps.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <functional>

namespace tunnel::http {

class TransferLoop {
public:
    explicit TransferLoop(CURL* easy);  // `easy` must outlive this loop
    ~TransferLoop();
    TransferLoop(const TransferLoop&) = delete;
    TransferLoop& operator=(const TransferLoop&) = delete;

    // Runs the transfer until it completes (its result) or stop() was called
    // (CURLE_ABORTED_BY_CALLBACK). Calls `tick` on this thread after every
    // wake-up and at least every `period`: the place to curl_easy_pause().
    CURLcode run(std::chrono::milliseconds period, const std::function<void()>& tick);

    void wakeup();  // any thread; run() calls tick soon
    void stop();    // any thread; idempotent

private:
    bool finished(CURLcode& rc);

    CURLM* multi_;
    CURL* easy_;
    std::atomic<bool> stop_{false};
};

}  // namespace tunnel::http
