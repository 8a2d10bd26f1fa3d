// File transfer inside tether-client and tether-desk: runs a
// files::FileEndpoint (docs/FILES.md) on a session's file channel, offers
// files from a worker thread (send_file opens the file: never on the GUI
// thread), accepts what the peer offers (the library itself refuses while the
// customer's F12 is off, and the row says so), and keeps the list of
// transfers that both windows show and both --status-files report, with
// speed and time left; cancel and retry by row. GUI-free.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "files/file_endpoint.h"
#include "session/byte_stream.h"

namespace remote {

enum class TransferState {
    preparing,  // send: hashing the file before the offer
    offered,    // send: waiting for the peer to accept
    running,    // bytes are moving
    done,       // complete and verified at the receiver
    failed,     // refused, cancelled, switched off, channel ended: see text
};
const char* to_string(TransferState s);

struct TransferRow {
    files::Direction direction = files::Direction::send;
    std::string name;                    // our file's name (send) or the name it is saved under (receive)
    std::uint64_t bytes = 0, size = 0;   // confirmed so far (on_progress) / total, in bytes
    TransferState state = TransferState::preparing;
    std::string text;                    // done: final name at the receiver; failed: why, for a person
    bool resumable = false;              // failed: offering the same file again resumes it
    int percent() const;                 // 0..100
    // Added for issue 16 (transfers a person can follow and act on):
    double rate = 0;                     // bytes per second while running (0: not measured yet)
    std::int64_t seconds_left = -1;      // while running; -1: not known yet
    std::string path;                    // send: the local file (retry offers it again); receive done: where it was saved
    std::uint64_t ended = 0;             // done/failed: order of ending (1, 2, ...); 0 while going on
    bool refused = false;                // receive: this side declined the offer by itself (e.g. F12 off)
};

// What a person may do with a row now.
bool can_cancel(const TransferRow& r);  // preparing, offered or running
bool can_retry(const TransferRow& r);   // a send that failed (and was not refused for its name)
// "12.3 MB", "512 bytes" (10^6: the figures a person compares with a download page)
std::string size_text(std::uint64_t bytes);
// The failure a window shows in red: the last transfer that ended, if it
// failed; a transfer that succeeded later (e.g. a retry) clears it. "" if none.
std::string problem_text(const std::vector<TransferRow>& rows);

// "file.1.state: done" ... lines for a --status-file, rows numbered from 1,
// plus "files_count" and "files_message" (problem_text). Each row's `.line`
// is what the window's list shows for it (transfer_line, `peer_word`).
std::vector<std::pair<std::string, std::string>> transfer_status_lines(const std::vector<TransferRow>& rows,
                                                                      const std::string& peer_word = "peer");
// For headless programs, which print what a window would show: the lines
// (transfer_line) of rows that ended since the last call, in the order they
// ended; `last` (start at 0) remembers how far it got (TransferRow::ended).
std::vector<std::string> ended_lines(const std::vector<TransferRow>& rows, const std::string& peer_word,
                                     std::uint64_t& last);
// One line for a list widget: "to supporter   report.pdf   45%  sending
// 12.3 of 27.4 MB, 8.1 MB/s, 2 s left"; "... done: saved to PATH".
std::string transfer_line(const TransferRow& r, const std::string& peer_word);

struct FileServiceOptions {
    std::string download_dir;         // created (mode 0700) if missing
    std::function<bool()> consent;    // client: the session's F12 state; desk: empty
    std::uint64_t rate_limit = 0;     // bytes per second written on the channel; 0 = no limit
};

class FileService {
public:
    // `on_change` runs on any service thread after the rows changed, without
    // a lock held (post to the GUI from it). Progress notifies at most once
    // per percent.
    FileService(FileServiceOptions opt, std::function<void()> on_change);
    ~FileService();  // stop()
    FileService(const FileService&) = delete;
    FileService& operator=(const FileService&) = delete;

    // Runs an endpoint on `channel` (borrowed until stop() returned). Files
    // queued by send() are offered once it runs. Throws if the download
    // folder cannot be created.
    void start(session::ByteStream& channel);
    // Closes the channel, waits for the endpoint's threads; rows stay.
    // Transfers in progress end as failed (resumable where a partial exists).
    void stop();
    // Queues `path` (any thread). Without a running endpoint the row fails at once.
    void send(const std::string& path);
    // F12 moved (client): off stops every transfer at once (partials kept).
    void consent_changed(bool allowed);
    std::vector<TransferRow> rows() const;
    // Forgets every row: the session ended and the next customer must not
    // see this one's files (issue 16). After stop(), before the next start().
    void forget();
    // Stops row `row` (index into rows()) if can_cancel: the receiver's
    // partial is deleted. Any thread.
    void cancel(std::size_t row);
    // Offers row `row`'s file again if can_retry, in the same row (a kept
    // partial at the receiver makes it resume). Any thread.
    void retry(std::size_t row);
    const std::string& download_dir() const { return opt_.download_dir; }

private:
    void reader_loop();
    void sender_loop();
    void send_one(std::size_t row, const std::string& path);
    files::Options endpoint_options();
    files::Decision on_offer(const files::OfferInfo& o);
    void on_progress(files::TransferId id, files::Direction d, std::uint64_t bytes, std::uint64_t total);
    void on_done(const files::Outcome& o);
    void on_refused(const std::string& name, std::uint64_t size, const std::string& reason, const std::string& code);
    void measure_locked(TransferRow& r, std::size_t row, std::uint64_t bytes);
    void end_locked(TransferRow& r);
    TransferRow* row_for_locked(files::TransferId id, files::Direction d);
    void fail_locked(std::size_t row, const std::string& why);
    void notify() { if (on_change_) on_change_(); }

    FileServiceOptions opt_;
    std::function<void()> on_change_;
    std::unique_ptr<session::ByteStream> limited_;  // rate limit wrapper, if any
    std::unique_ptr<files::FileEndpoint> ep_;
    std::thread reader_, sender_;

    std::mutex ep_mu_;  // guards ep_ being set or reset; taken before mu_, never after
    mutable std::mutex mu_;  // everything below
    std::condition_variable cv_;  // queue_ or running_ changed
    bool running_ = false;
    std::deque<std::pair<std::size_t, std::string>> queue_;  // (row, path) waiting to be offered
    std::vector<TransferRow> rows_;
    std::map<files::TransferId, std::size_t> by_id_;  // endpoint id -> row
    long sending_row_ = -1;  // row whose send_file call is in progress (its id may not be known yet)
    // Speed per row: the last sample (steady-clock ns, bytes) it was measured from.
    std::map<std::size_t, std::pair<std::int64_t, std::uint64_t>> samples_;
    std::uint64_t ends_ = 0;  // TransferRow::ended of the last row that ended
};

}  // namespace remote
