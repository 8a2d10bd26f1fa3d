#include "http_loop.h"

namespace tunnel::http {

TransferLoop::TransferLoop(CURL* easy) : multi_(curl_multi_init()), easy_(easy) {
    curl_multi_add_handle(multi_, easy_);
}

TransferLoop::~TransferLoop() {
    curl_multi_remove_handle(multi_, easy_);
    curl_multi_cleanup(multi_);
}

bool TransferLoop::finished(CURLcode& rc) {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg == CURLMSG_DONE) {
            rc = m->data.result;
            return true;
        }
    }
    return false;
}

CURLcode TransferLoop::run(std::chrono::milliseconds period, const std::function<void()>& tick) {
    for (;;) {
        int running = 0;
        if (curl_multi_perform(multi_, &running) != CURLM_OK) return CURLE_FAILED_INIT;
        CURLcode rc = CURLE_OK;
        if (finished(rc)) return rc;
        if (stop_) return CURLE_ABORTED_BY_CALLBACK;
        tick();
        curl_multi_poll(multi_, nullptr, 0, static_cast<int>(period.count()), nullptr);
    }
}

void TransferLoop::wakeup() { curl_multi_wakeup(multi_); }

void TransferLoop::stop() {
    stop_ = true;
    wakeup();
}

}  // namespace tunnel::http
