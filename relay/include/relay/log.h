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

// How a line is written to stderr (docs/RELAY.md "Logs"):
//   text: "UTC-time level prefix: message"; when stderr is the journal
//         (JOURNAL_STREAM names it) "<P>level prefix: message" instead, P the
//         sd-daemon(3) priority and no time (the journal keeps its own);
//   json: {"time","level","program","message","fields":{"component"|"session"}}.
enum class LogFormat { text, json };
LogFormat parse_log_format(const std::string& s);  // throws std::invalid_argument

// What a line says, before it is formatted.
struct LogRecord {
    LogLevel level;
    std::string prefix;   // "relay", "session 1a2b3c4d", "join from ADDR", ...
    std::string message;
    std::string time;     // UTC, "2026-12-06T04:22:14Z"
};
// One line (no newline) for `r`; `journal`: stderr is the journal.
std::string format_log_line(const LogRecord& r, LogFormat format, bool journal);
// True when stderr is the stream JOURNAL_STREAM names (device:inode).
bool stderr_is_journal();

class Log {
public:
    // The sink receives one whole line "level prefix: message" (no newline).
    // Default: stderr, formatted by format_log_line() in `format`.
    using Sink = std::function<void(const std::string& line)>;
    explicit Log(LogLevel level = LogLevel::info, Sink sink = {}, LogFormat format = LogFormat::text);

    void write(LogLevel level, const std::string& prefix, const std::string& message);
    void info(const std::string& prefix, const std::string& m) { write(LogLevel::info, prefix, m); }
    void warn(const std::string& prefix, const std::string& m) { write(LogLevel::warn, prefix, m); }
    void debug(const std::string& prefix, const std::string& m) { write(LogLevel::debug, prefix, m); }
    bool enabled(LogLevel level) const { return level >= level_.load(); }
    // SIGHUP may change it while other threads log.
    void set_level(LogLevel level) { level_ = level; }

private:
    std::atomic<LogLevel> level_;
    Sink sink_;  // empty: stderr
    LogFormat format_;
    bool journal_;
    std::mutex mutex_;  // one line at a time
};

std::string short_session_id(const std::string& desk_token);
// "session 1a2b3c4d" : the prefix of every log line about one session.
inline std::string session_prefix(const std::string& short_id) { return "session " + short_id; }

}  // namespace relay
