#include "remote/file_service.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <cmath>
#include <stdexcept>

#include "platform/dirs.h"
#include "remote/rate_limited_stream.h"

namespace remote {
namespace {

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

const char* direction_name(files::Direction d) { return d == files::Direction::send ? "send" : "receive"; }

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Speed is measured over at least this long: shorter spans are noise
// (bursts of acknowledgements, a scheduler pause).
constexpr std::int64_t kRateSpanNs = 500'000'000;

std::string one_decimal(double v, const char* unit) {
    char buf[48];
    std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, unit);
    return buf;
}

std::string time_left_text(std::int64_t s) {
    if (s < 60) return std::to_string(s < 1 ? 1 : s) + " s left";
    if (s < 3600) return std::to_string((s + 59) / 60) + " min left";
    return std::to_string(s / 3600) + " h " + std::to_string((s % 3600 + 59) / 60) + " min left";
}

// "45%  sending  12.3 of 27.4 MB, 8.1 MB/s, 2 s left"
std::string progress_text(const TransferRow& r, bool out) {
    std::string t = std::to_string(r.percent()) + "%  " + (out ? "sending" : "receiving") + "  " +
                    size_text(r.bytes) + " of " + size_text(r.size);
    if (r.rate > 0) t += ", " + size_text(static_cast<std::uint64_t>(r.rate)) + "/s";
    if (r.seconds_left >= 0) t += ", " + time_left_text(r.seconds_left);
    return t;
}

// What a person on the receiving side reads for an offer we declined.
std::string refused_text(const std::string& reason, const std::string& code) {
    if (code == "consent") return "not accepted: file transfer is off on this computer (F12). Press F12, then ask for the file again.";
    return "not accepted: " + reason;
}
}  // namespace

const char* to_string(TransferState s) {
    switch (s) {
    case TransferState::preparing: return "preparing";
    case TransferState::offered: return "offered";
    case TransferState::running: return "running";
    case TransferState::done: return "done";
    case TransferState::failed: return "failed";
    }
    return "?";
}

int TransferRow::percent() const {
    if (size == 0) return state == TransferState::done ? 100 : 0;
    return static_cast<int>(bytes * 100 / size);
}

bool can_cancel(const TransferRow& r) {
    return r.state == TransferState::preparing || r.state == TransferState::offered || r.state == TransferState::running;
}

bool can_retry(const TransferRow& r) {
    return r.direction == files::Direction::send && r.state == TransferState::failed && !r.path.empty();
}

std::string size_text(std::uint64_t b) {
    if (b < 1000) return std::to_string(b) + (b == 1 ? " byte" : " bytes");
    if (b < 1000 * 1000) return one_decimal(b / 1e3, "KB");
    if (b < 1000ull * 1000 * 1000) return one_decimal(b / 1e6, "MB");
    return one_decimal(b / 1e9, "GB");
}

std::string problem_text(const std::vector<TransferRow>& rows) {
    const TransferRow* last = nullptr;
    for (const auto& r : rows)
        if (r.ended > 0 && (!last || r.ended > last->ended)) last = &r;
    if (!last || last->state != TransferState::failed) return "";
    return last->name + ": " + last->text;
}

std::vector<std::pair<std::string, std::string>> transfer_status_lines(const std::vector<TransferRow>& rows,
                                                                      const std::string& peer_word) {
    std::vector<std::pair<std::string, std::string>> kv{{"files_count", std::to_string(rows.size())}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const TransferRow& r = rows[i];
        std::string k = "file." + std::to_string(i + 1) + ".";
        kv.insert(kv.end(), {{k + "direction", direction_name(r.direction)},
                             {k + "name", r.name},
                             {k + "state", to_string(r.state)},
                             {k + "percent", std::to_string(r.percent())},
                             {k + "bytes", std::to_string(r.bytes)},
                             {k + "size", std::to_string(r.size)},
                             {k + "resumable", r.resumable ? "yes" : "no"},
                             {k + "text", r.text},
                             {k + "rate", std::to_string(static_cast<std::uint64_t>(r.rate))},
                             {k + "seconds_left", std::to_string(r.seconds_left)},
                             {k + "path", r.path},
                             {k + "line", transfer_line(r, peer_word)}});
    }
    kv.emplace_back("files_message", problem_text(rows));
    return kv;
}

std::vector<std::string> ended_lines(const std::vector<TransferRow>& rows, const std::string& peer_word,
                                     std::uint64_t& last) {
    std::map<std::uint64_t, const TransferRow*> ended;
    for (const auto& r : rows)
        if (r.ended > last) ended.emplace(r.ended, &r);
    std::vector<std::string> lines;
    for (auto& [order, r] : ended) {
        lines.push_back(transfer_line(*r, peer_word));
        last = order;
    }
    return lines;
}

std::string transfer_line(const TransferRow& r, const std::string& peer_word) {
    bool out = r.direction == files::Direction::send;
    std::string line = (out ? "to " : "from ") + peer_word + "   " + r.name + "   ";
    switch (r.state) {
    case TransferState::preparing: return line + "preparing (checking the file)";
    case TransferState::offered: return line + "waiting for the other side";
    case TransferState::running: return line + progress_text(r, out);
    case TransferState::done:
        if (!out) return line + "done: saved to " + r.path;
        return line + "done" + (r.text.empty() || r.text == r.name ? "" : " (saved as " + r.text + ")");
    case TransferState::failed:
        if (r.refused) return line + r.text;
        return line + std::to_string(r.percent()) + "%  failed: " + r.text;
    }
    return line;
}

FileService::FileService(FileServiceOptions opt, std::function<void()> on_change)
    : opt_(std::move(opt)), on_change_(std::move(on_change)) {}

FileService::~FileService() { stop(); }

files::Options FileService::endpoint_options() {
    files::Options o;
    o.download_dir = opt_.download_dir;
    o.consent = opt_.consent;
    o.on_offer = [this](const files::OfferInfo& i) { return on_offer(i); };
    o.on_progress = [this](files::TransferId id, files::Direction d, std::uint64_t b, std::uint64_t t) {
        on_progress(id, d, b, t);
    };
    o.on_done = [this](const files::Outcome& out) { on_done(out); };
    o.on_refused = [this](const std::string& name, std::uint64_t size, const std::string& reason, const std::string& code) {
        on_refused(name, size, reason, code);
    };
    return o;
}

void FileService::start(session::ByteStream& channel) {
    std::lock_guard<std::mutex> elk(ep_mu_);
    std::lock_guard<std::mutex> lk(mu_);
    if (ep_) throw std::logic_error("FileService::start called twice without stop()");
    if (opt_.download_dir.empty()) throw std::runtime_error("no download folder given (--download-dir)");
    platform::make_private_dirs(opt_.download_dir);  // received files are private
    session::ByteStream* ch = &channel;
    if (opt_.rate_limit > 0) {
        limited_ = std::make_unique<RateLimitedStream>(channel, opt_.rate_limit);
        ch = limited_.get();
    }
    ep_ = std::make_unique<files::FileEndpoint>(*ch, endpoint_options());
    running_ = true;
    reader_ = std::thread([this] { reader_loop(); });
    sender_ = std::thread([this] { sender_loop(); });
}

void FileService::stop() {
    {
        std::lock_guard<std::mutex> lk(ep_mu_);
        if (!ep_) return;
    }
    ep_->close();  // run() returns soon; transfers in progress get on_done
    reader_.join();
    sender_.join();
    std::lock_guard<std::mutex> lk(ep_mu_);
    ep_.reset();
    limited_.reset();
}

void FileService::forget() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        rows_.clear();
        by_id_.clear();
        samples_.clear();
    }
    notify();
}

void FileService::cancel(std::size_t row) {
    files::TransferId id = 0;
    bool dequeued = false;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (row >= rows_.size() || !can_cancel(rows_[row])) return;
        for (auto it = queue_.begin(); it != queue_.end() && !dequeued; ++it) {
            if (it->first != row) continue;
            queue_.erase(it);  // not offered yet: nothing to tell the peer
            dequeued = true;
        }
        for (auto& [tid, r] : by_id_)
            if (r == row) id = tid;
    }
    if (!dequeued) {
        std::lock_guard<std::mutex> elk(ep_mu_);
        if (!id || !ep_) return;
        ep_->cancel(id);  // its on_done comes on this thread, before cancel returns
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow& r = rows_[row];
        if (dequeued) fail_locked(row, "");
        if (r.state != TransferState::failed) return;
        r.text = "you cancelled it";  // not "the sender cancelled the transfer": the person did
        r.resumable = false;
        if (r.ended == 0) end_locked(r);
    }
    notify();
}

void FileService::retry(std::size_t row) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (row >= rows_.size() || !can_retry(rows_[row])) return;
        for (auto it = by_id_.begin(); it != by_id_.end();)  // late events of the old attempt must not touch the row
            it = it->second == row ? by_id_.erase(it) : std::next(it);
        samples_.erase(row);
        TransferRow& r = rows_[row];
        r.state = TransferState::preparing;
        r.text.clear();
        r.resumable = false;
        r.ended = 0;
        r.rate = 0;
        r.seconds_left = -1;
        if (running_) queue_.emplace_back(row, r.path);
        else fail_locked(row, "no session: files can be sent while connected");
    }
    cv_.notify_all();
    notify();
}

void FileService::reader_loop() {
    ep_->run();
    {
        std::lock_guard<std::mutex> lk(mu_);
        running_ = false;
        for (auto& [row, path] : queue_) fail_locked(row, "the session ended before the file was offered");
        queue_.clear();
    }
    cv_.notify_all();
    notify();
}

void FileService::sender_loop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        cv_.wait(lk, [this] { return !queue_.empty() || !running_; });
        if (!running_) return;
        auto [row, path] = queue_.front();
        queue_.pop_front();
        sending_row_ = static_cast<long>(row);
        lk.unlock();
        send_one(row, path);
        lk.lock();
        sending_row_ = -1;
    }
}

// On the sender thread: send_file opens the file and queues the offer (the
// library hashes beside the data).
void FileService::send_one(std::size_t row, const std::string& path) {
    try {
        files::TransferId id = ep_->send_file(path);
        std::lock_guard<std::mutex> lk(mu_);
        by_id_.emplace(id, row);  // may exist already: an early on_progress/on_done
        if (rows_[row].state == TransferState::preparing) rows_[row].state = TransferState::offered;
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lk(mu_);
        fail_locked(row, e.what());
    }
    notify();
}

void FileService::send(const std::string& path) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow r;
        r.name = base_name(path);
        r.path = path;
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) r.size = static_cast<std::uint64_t>(st.st_size);
        rows_.push_back(r);
        std::size_t row = rows_.size() - 1;
        if (running_) queue_.emplace_back(row, path);
        else fail_locked(row, "no session: files can be sent while connected");
    }
    cv_.notify_all();
    notify();
}

// Not under mu_: switching off calls on_done on this thread.
void FileService::consent_changed(bool allowed) {
    std::lock_guard<std::mutex> lk(ep_mu_);
    if (ep_) ep_->consent_changed(allowed);
}

std::vector<TransferRow> FileService::rows() const {
    std::lock_guard<std::mutex> lk(mu_);
    return rows_;
}

void FileService::fail_locked(std::size_t row, const std::string& why) {
    rows_[row].state = TransferState::failed;
    rows_[row].text = why;
    end_locked(rows_[row]);
}

void FileService::end_locked(TransferRow& r) {
    r.ended = ++ends_;
    r.rate = 0;
    r.seconds_left = -1;
}

// Speed over the last half second or more, smoothed (half the old figure,
// half the new), and the time left at that speed.
void FileService::measure_locked(TransferRow& r, std::size_t row, std::uint64_t bytes) {
    std::int64_t now = now_ns();
    auto it = samples_.find(row);
    if (it == samples_.end() || bytes < it->second.second) {
        samples_[row] = {now, bytes};
        return;
    }
    std::int64_t span = now - it->second.first;
    if (span < kRateSpanNs) return;
    double rate = static_cast<double>(bytes - it->second.second) * 1e9 / static_cast<double>(span);
    r.rate = r.rate > 0 ? (r.rate + rate) / 2 : rate;
    it->second = {now, bytes};
    r.seconds_left = r.rate > 0 ? static_cast<std::int64_t>(std::ceil(static_cast<double>(r.size - bytes) / r.rate)) : -1;
}

// The library declined an offer by itself: the person on this side sees
// what they missed and why (issue 16: refusals were silent here).
void FileService::on_refused(const std::string& name, std::uint64_t size, const std::string& reason,
                             const std::string& code) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow r;
        r.direction = files::Direction::receive;
        r.name = name;
        r.size = size;
        r.refused = true;
        rows_.push_back(r);
        fail_locked(rows_.size() - 1, refused_text(reason, code));
    }
    notify();
}

// Outgoing ids are learnt when send_file returns; an event for an unknown
// outgoing id can only belong to the call in progress (one at a time).
TransferRow* FileService::row_for_locked(files::TransferId id, files::Direction d) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) {
        if (d != files::Direction::send || sending_row_ < 0) return nullptr;
        it = by_id_.emplace(id, static_cast<std::size_t>(sending_row_)).first;
    }
    return &rows_[it->second];
}

// Every offer that reaches us is accepted: the library has already refused
// it if F12 is off (client) or the name is unusable.
files::Decision FileService::on_offer(const files::OfferInfo& o) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow r;
        r.direction = files::Direction::receive;
        r.name = o.save_name;
        r.size = o.size;
        r.bytes = o.resume_from;
        r.state = TransferState::running;
        rows_.push_back(r);
        by_id_[o.id] = rows_.size() - 1;
    }
    notify();
    return files::Decision::accept;
}

void FileService::on_progress(files::TransferId id, files::Direction d, std::uint64_t bytes, std::uint64_t total) {
    bool changed = false;
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow* r = row_for_locked(id, d);
        if (!r || r->state == TransferState::done || r->state == TransferState::failed) return;
        int before = r->percent();
        std::int64_t left = r->seconds_left;
        changed = r->state != TransferState::running;
        r->state = TransferState::running;
        r->bytes = bytes;
        r->size = total;
        measure_locked(*r, static_cast<std::size_t>(r - rows_.data()), bytes);
        changed = changed || r->percent() != before || r->seconds_left != left;
    }
    if (changed) notify();
}

void FileService::on_done(const files::Outcome& o) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        TransferRow* r = row_for_locked(o.id, o.direction);
        if (!r) return;
        r->state = o.ok ? TransferState::done : TransferState::failed;
        if (o.ok) r->bytes = r->size;
        r->text = o.text;
        r->resumable = o.resumable;
        if (o.ok && o.direction == files::Direction::receive)
            r->path = (std::filesystem::u8path(opt_.download_dir) / std::filesystem::u8path(o.text)).u8string();
        end_locked(*r);
    }
    notify();
}

}  // namespace remote
