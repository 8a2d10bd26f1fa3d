#include "relay/log.h"

#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>

namespace relay {
namespace {

const char* level_name(LogLevel l) {
    switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    }
    return "?";
}

// sd-daemon(3) priorities: <3> err, <4> warning, <6> info, <7> debug.
int journal_priority(LogLevel l) {
    switch (l) {
    case LogLevel::debug: return 7;
    case LogLevel::info: return 6;
    case LogLevel::warn: return 4;
    case LogLevel::error: return 3;
    }
    return 6;
}

std::string utc_now() {
    char stamp[32];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return stamp;
}

// "session 1a2b3c4d" -> {"session": "1a2b3c4d"}; any other prefix is the component.
nlohmann::json fields_of(const std::string& prefix) {
    static const std::string session = "session ";
    if (prefix.compare(0, session.size(), session) == 0) return {{"session", prefix.substr(session.size())}};
    return {{"component", prefix}};
}

}  // namespace

LogFormat parse_log_format(const std::string& s) {
    if (s == "text") return LogFormat::text;
    if (s == "json") return LogFormat::json;
    throw std::invalid_argument("log format must be text or json: " + s);
}

std::string format_log_line(const LogRecord& r, LogFormat format, bool journal) {
    if (format == LogFormat::json) {
        const nlohmann::json j = {{"time", r.time}, {"level", level_name(r.level)}, {"program", "tether-relay"},
                                  {"message", r.message}, {"fields", fields_of(r.prefix)}};
        // Invalid UTF-8 (a client's address never is, but a file name may be) is replaced, not thrown.
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    const std::string text = std::string(level_name(r.level)) + " " + r.prefix + ": " + r.message;
    if (journal) return "<" + std::to_string(journal_priority(r.level)) + ">" + text;
    return r.time + " " + text;
}

bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (::fstat(2, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

LogLevel parse_log_level(const std::string& s) {
    for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error})
        if (s == level_name(l)) return l;
    throw std::invalid_argument("log level must be debug, info, warn or error: " + s);
}

Log::Log(LogLevel level, Sink sink, LogFormat format)
    : level_(level), sink_(std::move(sink)), format_(format), journal_(stderr_is_journal()) {}

void Log::write(LogLevel level, const std::string& prefix, const std::string& message) {
    if (!enabled(level)) return;
    if (sink_) {
        std::lock_guard<std::mutex> lock(mutex_);
        return sink_(std::string(level_name(level)) + " " + prefix + ": " + message);
    }
    const std::string line = format_log_line({level, prefix, message, utc_now()}, format_, journal_);
    std::lock_guard<std::mutex> lock(mutex_);
    std::fprintf(stderr, "%s\n", line.c_str());
}

std::string short_session_id(const std::string& desk_token) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(desk_token.data()), desk_token.size(), digest);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 4; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

}  // namespace relay
