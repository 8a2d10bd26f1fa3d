#include "remote/session_record.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "files/sha256.h"
#include "platform/dirs.h"

namespace remote {

using nlohmann::json;
namespace fs = std::filesystem;

std::string default_record_dir() {
    const std::string dir = platform::tether_dir(platform::TetherDir::user_data);
    return dir.empty() ? "" : (fs::u8path(dir) / "sessions").u8string();
}

std::string utc_text(std::int64_t unix_ms) {
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(unix_ms % 1000));
    return time_text(unix_ms, "%Y-%m-%dT%H:%M:%S", true) + ms;
}

namespace {

// session-20261206T042212Z.jsonl, with -2, -3... when a session started in the same second.
std::string new_file_in(const std::string& dir) {
    std::string stamp = utc_text(unix_now_ms());
    std::string name;
    for (char c : stamp.substr(0, 19))
        if (c != '-' && c != ':') name += c;
    std::string base = dir + "/session-" + name + "Z";
    std::string path = base + ".jsonl";
    for (int i = 2; fs::exists(path); ++i) path = base + "-" + std::to_string(i) + ".jsonl";
    return path;
}

std::string on_off(bool on) { return on ? "on" : "off"; }

}  // namespace

SessionRecord::SessionRecord(const std::string& dir) {
    if (!dir.empty()) {
        platform::make_private_dirs(dir);
        path_ = new_file_in(dir);
        out_.open(path_, std::ios::out | std::ios::trunc);
        if (!out_) throw std::runtime_error("cannot write the session record " + path_ + ": check the folder (--record-dir)");
        std::error_code ec;  // what it holds is private: chat, names, files
        fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    }
    hasher_ = std::thread([this] { hasher_loop(); });
}

SessionRecord::~SessionRecord() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        closing_ = true;
    }
    cv_.notify_all();
    hasher_.join();
}

void SessionRecord::append_locked(const std::string& json_line, const std::string& human) {
    human_.push_back(clock_text(unix_now_ms()) + "  " + human);
    if (out_.is_open()) out_ << json_line << '\n' << std::flush;
}

namespace {
json stamped(const char* event) { return json{{"t", utc_text(unix_now_ms())}, {"event", event}}; }
}  // namespace

void SessionRecord::start(const std::string& role, const std::string& relay, const std::string& route,
                          const std::string& proxy, const std::string& transport) {
    json j = stamped("start");
    j["role"] = role;
    j["relay"] = relay;
    j["route"] = route;
    j["proxy"] = proxy;
    j["transport"] = transport;
    std::lock_guard<std::mutex> lk(mu_);
    append_locked(j.dump(), "Session started" + (route.empty() ? "" : " through " + route) +
                                (transport.empty() ? "" : ", " + transport + " mode"));
}

void SessionRecord::transport(const std::string& transport) {
    json j = stamped("transport");
    j["transport"] = transport;
    std::lock_guard<std::mutex> lk(mu_);
    append_locked(j.dump(), "The connection moved to " + transport + " mode");
}

void SessionRecord::auth(const std::string& sas) {
    if (sas.empty()) return;
    json j = stamped("auth");
    j["auth"] = sas;
    std::lock_guard<std::mutex> lk(mu_);
    append_locked(j.dump(), "Security code shown: " + sas);
}

void SessionRecord::peer(const std::string& name) {
    json j = stamped("peer");
    j["name"] = name;
    std::lock_guard<std::mutex> lk(mu_);
    if (!name.empty()) peer_name_ = name;
    append_locked(j.dump(), "Connected to " + (name.empty() ? std::string("the other side") : name));
}

void SessionRecord::consent(ConsentState s) {
    json j = stamped("consent");
    j["control"] = s.control;
    j["files"] = s.files;
    std::lock_guard<std::mutex> lk(mu_);
    if (have_consent_ && s.control == last_consent_.control && s.files == last_consent_.files) return;
    have_consent_ = true;
    last_consent_ = s;
    append_locked(j.dump(), "Remote control " + on_off(s.control) + ", file transfer " + on_off(s.files));
}

void SessionRecord::file(RecordedFile f) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        to_hash_.push_back(std::move(f));
    }
    cv_.notify_all();
}

// Files are recorded in the order they ended, each once its hash is known.
void SessionRecord::hasher_loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        cv_.wait(lk, [this] { return closing_ || !to_hash_.empty(); });
        if (to_hash_.empty()) return;
        RecordedFile f = std::move(to_hash_.front());
        to_hash_.pop_front();
        hashing_ = true;
        lk.unlock();
        std::string sha;
        if (f.state == "done" && !f.path.empty()) {
            try {
                sha = files::sha256_file_hex(f.path);
            } catch (const std::exception&) {
                sha.clear();  // moved or deleted since: recorded without a hash
            }
        }
        json j = stamped("file");
        j["direction"] = f.direction;
        j["name"] = f.name;
        j["size"] = f.size;
        j["sha256"] = sha;
        j["state"] = f.state;
        lk.lock();
        append_locked(j.dump(), std::string(f.direction == "sent" ? "File sent: " : "File received: ") + f.name + " (" +
                                    std::to_string(f.size) + " bytes, " + f.state +
                                    (sha.empty() ? "" : ", SHA-256 " + sha) + ")");
        hashing_ = false;
        cv_.notify_all();
    }
}

void SessionRecord::chat(const ChatLine& l) {
    json j = stamped("chat");
    j["direction"] = l.mine ? "sent" : "received";
    j["from"] = l.from;
    j["text"] = l.text;
    j["sent"] = utc_text(l.unix_ms);
    std::lock_guard<std::mutex> lk(mu_);
    append_locked(j.dump(), "Chat, " + l.from + ": " + l.text);
}

// After the files still being hashed, so that `end` is the last line.
void SessionRecord::end(const std::string& reason) {
    json j = stamped("end");
    j["reason"] = reason;
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return to_hash_.empty() && !hashing_; });
    j["t"] = utc_text(unix_now_ms());
    append_locked(j.dump(), "Session ended: " + reason);
}

std::vector<std::string> SessionRecord::lines() const {
    std::lock_guard<std::mutex> lk(mu_);
    return human_;
}

}  // namespace remote
