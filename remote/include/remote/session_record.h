// The session record (issue 19): what happened in one session, one JSON
// object per line (docs/PROTOCOL.md "The session record"). The desk writes
// it to a file per session; the customer's side keeps its own in memory and
// shows it from its window ("what did the supporter do?"). Portable, no GUI.
//
//   {"t":"2026-12-06T04:22:12.345Z","event":"start","role":"desk","relay":"https://r/","route":"...","proxy":"http://p:3128","transport":"stream"}
//   {"t":...,"event":"transport","transport":"poll"}   (a move between stream and poll mode)
//   {"t":...,"event":"auth","auth":"123 456"}
//   {"t":...,"event":"peer","name":"Alice"}
//   {"t":...,"event":"consent","control":true,"files":false}
//   {"t":...,"event":"file","direction":"sent","name":"a.txt","size":12,"sha256":"<64 hex>","state":"done"}
//   {"t":...,"event":"chat","direction":"received","from":"Alice","text":"hi","sent":"<sender's time>"}
//   {"t":...,"event":"end","reason":"the customer ended the session"}
//
// Nothing here leaves the machine: the record is local, like the chat it
// holds; the relay never sees any of it (it forwards only ciphertext).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "remote/chat.h"
#include "remote/consent.h"

namespace remote {

// $XDG_DATA_HOME/tether/sessions, else ~/.local/share/tether/sessions
// (%LOCALAPPDATA%\Tether\sessions on Windows); "" when no home is known.
std::string default_record_dir();
// "2026-12-06T04:22:12.345Z"
std::string utc_text(std::int64_t unix_ms);

struct RecordedFile {
    std::string direction;  // "sent" or "received"
    std::string name;
    std::uint64_t size = 0;
    std::string state;      // "done" or "failed"
    std::string path;       // done: the file to hash (ours, or where it was saved); not recorded
};

class SessionRecord {
public:
    // `dir` empty: the record is kept in memory only. Otherwise a new file
    // session-<UTC time>.jsonl in `dir` (created 0700; the file 0600),
    // written line by line as events come. Throws std::runtime_error with a
    // sentence when the file cannot be created.
    explicit SessionRecord(const std::string& dir = "");
    ~SessionRecord();  // waits for file hashes still running
    SessionRecord(const SessionRecord&) = delete;
    SessionRecord& operator=(const SessionRecord&) = delete;

    // `proxy` "" = DIRECT; `transport` "stream", "poll" or "" (no relay, or not known yet).
    void start(const std::string& role, const std::string& relay, const std::string& route, const std::string& proxy,
               const std::string& transport);
    // The session moved to `transport` ("stream" or "poll").
    void transport(const std::string& transport);
    void auth(const std::string& sas);
    void peer(const std::string& name);
    // Recorded only when it differs from the last recorded state.
    void consent(ConsentState s);
    // A transfer that ended; a done one is recorded with its SHA-256, which
    // is computed on a thread of its own (a large file takes a while).
    void file(RecordedFile f);
    void chat(const ChatLine& l);
    void end(const std::string& reason);

    // Each line as a person reads it ("04:22:12  Alice turned remote control on").
    std::vector<std::string> lines() const;
    const std::string& path() const { return path_; }

private:
    // Under mu_: one JSON line to the file (flushed), one sentence to lines().
    void append_locked(const std::string& json_line, const std::string& human);
    void hasher_loop();

    std::string path_;
    mutable std::mutex mu_;
    std::ofstream out_;
    std::vector<std::string> human_;
    bool have_consent_ = false;
    ConsentState last_consent_;
    std::string peer_name_ = "the other side";
    std::condition_variable cv_;
    std::deque<RecordedFile> to_hash_;
    bool hashing_ = false, closing_ = false;
    std::thread hasher_;
};

}  // namespace remote
