// The Linux poll-mode carrier's HTTP requests (libcurl); the threads that
// make them are session::PollCarrier's.
#include "carrier_poll_impl.h"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>

namespace tunnel {
namespace {

// Whole-request bound beyond the long-poll wait: a proxy that holds an answer
// longer than this is treated as a broken path.
constexpr long kSlackMs = 10000;

std::size_t append_body(char* p, std::size_t size, std::size_t n, void* out) {
    auto* body = static_cast<std::string*>(out);
    if (body->size() + size * n > wire::kMaxPayload + 64 * 1024) return 0;  // refuse oversized answers
    body->append(p, size * n);
    return size * n;
}

// The headers of an answer that poll mode reads.
struct AnswerHeaders {
    long long seq = -1;  // X-Tether-Seq
    std::string auth;    // X-Tether-Auth (keyed sides, plain HTTP)
};

std::size_t answer_header(char* p, std::size_t size, std::size_t n, void* out) {
    std::string line(p, size * n);
    auto* h = static_cast<AnswerHeaders*>(out);
    if (auto v = http::header_value(line, "x-tether-seq:")) h->seq = std::atoll(v->c_str());
    if (auto v = http::header_value(line, "x-tether-auth:")) h->auth = *v;
    return size * n;
}

// Called by libcurl about once a second and on activity: aborts the request
// once the carrier is closed, so close() never waits out a long poll.
int abort_if_closed(void* closed, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(closed)->load() ? 1 : 0;
}

}  // namespace

std::unique_ptr<http::Easy> PollCarrier::make_easy(const std::string& path) {
    auto e = std::make_unique<http::Easy>(cfg_, path, token_);
    curl_easy_setopt(e->get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e->get(), CURLOPT_XFERINFOFUNCTION, abort_if_closed);
    curl_easy_setopt(e->get(), CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&stopping()));
    return e;
}

// start()'s first poll (wait 0) on a handle of its own; then each poller
// keeps one handle for its path.
PollCarrier::Answer PollCarrier::poll_once(int poller, long wait_s) {
    const std::string path = "/v1/poll/down?wait=" + std::to_string(wait_s);
    if (wait_s == 0) return poll_with(*make_easy(path), 0);
    auto& e = polls_[poller];
    if (!e) e = make_easy(path);
    return poll_with(*e, wait_s);
}

PollCarrier::Answer PollCarrier::poll_with(http::Easy& e, long wait_s) {
    Answer a;
    AnswerHeaders headers;
    CURL* h = e.get();
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, answer_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, wait_s * 1000 + kSlackMs + static_cast<long>(cfg_.connect_timeout.count()));
    e.sign("GET", "");
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) throw http::describe_failure(e, rc, cfg_);
    long status = e.response_code();
    if (status != 200) throw http::describe_status(status, a.body);
    e.check_answer(status, a.body, headers.auth);
    const long long seq = headers.seq;
    if (seq < 0) throw session::CarrierError("the relay's poll answer had no X-Tether-Seq header "
                                    "(is something between us rewriting answers?)");
    a.seq = static_cast<std::uint64_t>(seq);
    return a;
}

void PollCarrier::post_once(const std::string& body) {
    if (!up_) {
        up_ = make_easy("/v1/poll/up");
        up_->add_header("Content-Type: application/octet-stream");
        up_->add_header("Expect:");
    }
    http::Easy& e = *up_;
    std::string answer;
    AnswerHeaders headers;
    CURL* h = e.get();
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, answer_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, kSlackMs + static_cast<long>(cfg_.connect_timeout.count()));
    e.sign("POST", body);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) throw http::describe_failure(e, rc, cfg_);
    long status = e.response_code();
    if (status != 200 && status != 204) throw http::describe_status(status, answer);
    e.check_answer(status, answer, headers.auth);
}

}  // namespace tunnel
