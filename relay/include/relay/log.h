// Logging with a per-session prefix. Never pass a session code or a token in
// a message: sessions are named by short_session_id() (first 8 hex digits of
// SHA-256 of the desk token), which tells nothing about the secrets.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

namespace relay {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };
LogLevel parse_log_level(const std::string& s);  // throws std::invalid_argument

class Log {
public:
    // The sink receives one whole line (no newline). Default: stderr with a UTC timestamp.
    using Sink = std::function<void(const std::string& line)>;
    explicit Log(LogLevel level = LogLevel::info, Sink sink = {});

    void write(LogLevel level, const std::string& prefix, const std::string& message);
    void info(const std::string& prefix, const std::string& m) { write(LogLevel::info, prefix, m); }
    void warn(const std::string& prefix, const std::string& m) { write(LogLevel::warn, prefix, m); }
    void debug(const std::string& prefix, const std::string& m) { write(LogLevel::debug, prefix, m); }
    bool enabled(LogLevel level) const { return level >= level_.load(); }
    // SIGHUP may change it while other threads log.
    void set_level(LogLevel level) { level_ = level; }

private:
    std::atomic<LogLevel> level_;
    Sink sink_;
    std::mutex mutex_;  // one line at a time
};

std::string short_session_id(const std::string& desk_token);
// "session 1a2b3c4d" : the prefix of every log line about one session.
inline std::string session_prefix(const std::string& short_id) { return "session " + short_id; }

}  // namespace relay
