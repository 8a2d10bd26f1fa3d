#include "remote/file_service.h"

#include <sys/stat.h>

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

std::vector<std::pair<std::string, std::string>> transfer_status_lines(const std::vector<TransferRow>& rows) {
    std::vector<std::pair<std::string, std::string>> kv{{"files_count", std::to_string(rows.size())}};
    std::string message;
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
                             {k + "text", r.text}});
        if (r.state == TransferState::failed) message = r.name + ": " + r.text;
    }
    kv.emplace_back("files_message", message);
    return kv;
}

std::string transfer_line(const TransferRow& r, const std::string& peer_word) {
    bool out = r.direction == files::Direction::send;
    std::string line = (out ? "to " : "from ") + peer_word + "   " + r.name + "   ";
    switch (r.state) {
    case TransferState::preparing: return line + "preparing (checking the file)";
    case TransferState::offered: return line + "waiting for the other side";
    case TransferState::running: return line + std::to_string(r.percent()) + "%  " + (out ? "sending" : "receiving");
    case TransferState::done: return line + "done" + (r.text.empty() || r.text == r.name ? "" : " (saved as " + r.text + ")");
    case TransferState::failed: return line + std::to_string(r.percent()) + "%  failed: " + r.text;
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
    }
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

// On the sender thread: hashing happens inside send_file.
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
        changed = r->state != TransferState::running;
        r->state = TransferState::running;
        r->bytes = bytes;
        r->size = total;
        changed = changed || r->percent() != before;
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
    }
    notify();
}

}  // namespace remote
