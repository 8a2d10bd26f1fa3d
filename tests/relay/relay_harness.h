// An in-process tether-relay (--dev certificate in a temporary directory,
// 127.0.0.1 port 0, short heartbeats) with its log lines captured, plus
// clients for the session API and for stream-mode downlinks and uplinks.
#pragma once

#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "relay/relay_server.h"
#include "wire/frame.h"

namespace relay_test {

using namespace std::chrono_literals;
// Every wait in these tests is bounded by this; none asserts a duration.
constexpr auto kPatience = 10s;

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/relay-test-XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

class Harness {
public:
    explicit Harness(const std::function<void(relay::Config&)>& tweak = {}) {
        ::signal(SIGPIPE, SIG_IGN);  // as tether-relay's main does: a vanished peer must not kill us
        relay::Config c;
        c.listen_host = "127.0.0.1";
        c.listen_port = 0;
        c.dev = true;
        c.state_dir = state_.path();
        c.heartbeat = 200ms;
        c.join_failures_per_ip = 0;
        c.join_failures_per_prefix = 0;
        c.join_alarm = 1e9;  // never: codes stay 6 digits unless a test asks
        c.create_rate_per_ip = 0;
        if (tweak) tweak(c);
        server_ = std::make_unique<relay::RelayServer>(c, log_);
        port_ = server_->start();
    }
    ~Harness() { server_->stop(); }

    std::unique_ptr<httplib::SSLClient> client() const {
        auto cli = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
        cli->set_ca_cert_path(server_->dev_ca_file().c_str());
        cli->enable_server_certificate_verification(true);
        cli->set_read_timeout(kPatience);
        return cli;
    }

    // POST /v1/sessions; remembers code and token as secrets.
    nlohmann::json create(const std::string& name = "Sam") {
        auto res = client()->Post("/v1/sessions", nlohmann::json{{"name", name}}.dump(), "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 201);
        auto j = nlohmann::json::parse(res->body);
        remember(j["code"]);
        remember(j["token"]);
        return j;
    }
    httplib::Result join_raw(const std::string& body) {
        return client()->Post("/v1/sessions/join", body, "application/json");
    }
    std::string join(const std::string& code) {
        auto res = join_raw(nlohmann::json{{"code", code}}.dump());
        REQUIRE(res);
        REQUIRE(res->status == 200);
        std::string token = nlohmann::json::parse(res->body)["token"];
        remember(token);
        return token;
    }
    static httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

    std::vector<std::string> log_lines() {
        std::lock_guard<std::mutex> lock(mutex_);
        return lines_;
    }
    std::set<std::string> secrets() {
        std::lock_guard<std::mutex> lock(mutex_);
        return secrets_;
    }
    void remember(const std::string& secret) {
        std::lock_guard<std::mutex> lock(mutex_);
        secrets_.insert(secret);
    }
    int port() const { return port_; }
    std::string ca_file() const { return server_->dev_ca_file(); }
    // The value of one line of /metrics, e.g. `tether_relay_refused_total{reason="per_address"}`; -1 if absent.
    // Retried briefly: a test that just closed connections may meet a cap
    // until the relay noticed.
    long metric(const std::string& series) const {
        httplib::Result res = client()->Get("/metrics");
        for (int i = 0; i < 50 && !res; ++i) {
            std::this_thread::sleep_for(20ms);
            res = client()->Get("/metrics");
        }
        if (!res) return -1;
        const auto at = res->body.find("\n" + series + " ");
        if (at == std::string::npos) return -1;
        return std::stol(res->body.substr(at + series.size() + 2));
    }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
    std::set<std::string> secrets_;
    relay::Log log_{relay::LogLevel::debug, [this](const std::string& line) {
                        std::lock_guard<std::mutex> lock(mutex_);
                        lines_.push_back(line);
                    }};
    TempDir state_;
    std::unique_ptr<relay::RelayServer> server_;
    int port_ = 0;
};

// GET /v1/stream/down on its own thread, parsing frames as they arrive.
class Downlink {
public:
    using MakeClient = std::function<std::unique_ptr<httplib::SSLClient>()>;
    Downlink(const Harness& h, const std::string& token, std::string path = "/v1/stream/down")
        : Downlink([&h] { return h.client(); }, token, std::move(path)) {}
    // Against any relay (a spawned process, say): `make` gives its clients.
    Downlink(MakeClient make, const std::string& token, std::string path = "/v1/stream/down")
        : path_(std::move(path)) {
        thread_ = std::thread([this, make, token] { run(make, token); });
    }
    ~Downlink() {
        stop_ = true;
        thread_.join();
    }

    // Waits (bounded) until `pred` holds for the frames so far.
    bool wait_for(const std::function<bool(const std::vector<wire::Frame>&)>& pred) {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, kPatience, [&] { return pred(frames_); });
    }
    // The concatenated payloads of the end-to-end frames received so far.
    std::string end_to_end_bytes() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string out;
        for (auto& f : frames_)
            if (wire::is_end_to_end(f.type)) out += f.payload;
        return out;
    }
    bool wait_bytes(const std::string& expected) {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, kPatience, [&] {
            std::string got;
            for (auto& f : frames_)
                if (wire::is_end_to_end(f.type)) got += f.payload;
            return got == expected;
        });
    }
    bool wait_closed() {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, kPatience, [&] { return done_; });
    }
    int status() {
        std::lock_guard<std::mutex> lock(mutex_);
        return status_;
    }

private:
    void run(const MakeClient& make, const std::string& token) {
        auto cli = make();
        auto res = cli->Get(
            path_, Harness::bearer(token),
            [this](const httplib::Response& r) {
                std::lock_guard<std::mutex> lock(mutex_);
                status_ = r.status;
                return true;
            },
            [this](const char* d, std::size_t n) { return receive(d, n); });
        std::lock_guard<std::mutex> lock(mutex_);
        if (!res) status_ = -1;
        done_ = true;
        cv_.notify_all();
    }

    // Frames from a 200 body; an error body (JSON) is kept as text.
    bool receive(const char* d, std::size_t n) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (status_ != 200) {
            error_body_.append(d, n);
            return true;
        }
        try {
            parser_.feed(d, n);
            wire::Frame f;
            while (parser_.next(f)) frames_.push_back(f);
        } catch (const wire::ProtocolError&) {
            status_ = -2;  // the relay sent something that is not frames
            return false;
        }
        cv_.notify_all();
        return !stop_;
    }

    const std::string path_;
    std::mutex mutex_;
    std::condition_variable cv_;
    wire::FrameParser parser_;
    std::vector<wire::Frame> frames_;
    std::string error_body_;
    bool done_ = false;
    int status_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// POST /v1/stream/up with a chunked body fed by send().
class Uplink {
public:
    Uplink(const Harness& h, const std::string& token, std::string path = "/v1/stream/up")
        : Uplink([&h] { return h.client(); }, token, std::move(path)) {}
    // Against any relay (a spawned process, say): `make` gives its clients.
    Uplink(Downlink::MakeClient make, const std::string& token, std::string path = "/v1/stream/up")
        : path_(std::move(path)) {
        thread_ = std::thread([this, make, token] { run(make, token); });
    }
    ~Uplink() { finish(); }

    void send(const std::string& bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ += bytes;
        cv_.notify_all();
    }
    // Ends the body and returns the response status (-1: no response).
    int finish() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            finishing_ = true;
            cv_.notify_all();
        }
        if (thread_.joinable()) thread_.join();
        return status_;
    }
    const std::string& body() const { return body_; }

private:
    void run(const Downlink::MakeClient& make, const std::string& token) {
        auto cli = make();
        auto res = cli->Post(
            path_, Harness::bearer(token),
            [this](std::size_t, httplib::DataSink& sink) {
                std::unique_lock<std::mutex> lock(mutex_);
                cv_.wait_for(lock, 100ms, [&] { return !pending_.empty() || finishing_; });
                std::string bytes;
                bytes.swap(pending_);
                const bool last = finishing_;
                lock.unlock();
                if (!bytes.empty() && !sink.write(bytes.data(), bytes.size())) return false;
                if (last) sink.done();
                return true;
            },
            "application/octet-stream");
        status_ = res ? res->status : -1;
        if (res) body_ = res->body;
    }

    const std::string path_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::string pending_;
    bool finishing_ = false;
    int status_ = 0;
    std::string body_;
    std::thread thread_;
};

inline std::string frame_bytes(wire::FrameType t, const std::string& payload) {
    std::string out;
    wire::append_frame(out, t, payload.data(), payload.size());
    return out;
}

inline std::string data_frame(std::uint64_t offset, const std::string& bytes) {
    std::string out;
    wire::append_data(out, offset, bytes.data(), bytes.size());
    return out;
}

inline std::string ping_frame(std::uint64_t stamp) {
    std::string out;
    wire::append_u64_frame(out, wire::FrameType::ping, stamp);
    return out;
}

// A Downlink::wait_for predicate: the pong of ping_frame(stamp) arrived.
inline std::function<bool(const std::vector<wire::Frame>&)> has_pong(std::uint64_t stamp) {
    return [stamp](const std::vector<wire::Frame>& frames) {
        for (auto& f : frames)
            if (f.type == wire::FrameType::pong && wire::payload_u64(f) == stamp) return true;
        return false;
    };
}

}  // namespace relay_test
