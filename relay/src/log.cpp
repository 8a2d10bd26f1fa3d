#include "relay/log.h"

#include <openssl/sha.h>

#include <cstdio>
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

void stderr_sink(const std::string& line) {
    char stamp[32];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::fprintf(stderr, "%s %s\n", stamp, line.c_str());
}

}  // namespace

LogLevel parse_log_level(const std::string& s) {
    for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error})
        if (s == level_name(l)) return l;
    throw std::invalid_argument("log level must be debug, info, warn or error: " + s);
}

Log::Log(LogLevel level, Sink sink) : level_(level), sink_(sink ? std::move(sink) : Sink(stderr_sink)) {}

void Log::write(LogLevel level, const std::string& prefix, const std::string& message) {
    if (!enabled(level)) return;
    std::string line = std::string(level_name(level)) + " " + prefix + ": " + message;
    std::lock_guard<std::mutex> lock(mutex_);
    sink_(line);
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
