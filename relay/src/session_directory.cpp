#include "relay/session_directory.h"

#include <vector>

#include "wire/session_code.h"

namespace relay {
namespace {

using wire::EndReason;

struct EndReasons {
    EndReason to_desk, to_client;
};

EndReasons reasons_for(EndCause cause) {
    switch (cause) {
    case EndCause::by_desk: return {EndReason::by_you, EndReason::by_peer};
    case EndCause::by_client: return {EndReason::by_peer, EndReason::by_you};
    case EndCause::peer_timeout: return {EndReason::peer_timeout, EndReason::peer_timeout};
    case EndCause::expired: return {EndReason::expired, EndReason::expired};
    case EndCause::shutdown: break;
    }
    return {EndReason::relay_shutdown, EndReason::relay_shutdown};
}

const char* cause_name(EndCause cause) {
    switch (cause) {
    case EndCause::by_desk: return "ended by the desk";
    case EndCause::by_client: return "ended by the client";
    case EndCause::peer_timeout: return "ended: a side was gone longer than the grace period";
    case EndCause::expired: return "ended: nobody joined before the code expired";
    case EndCause::shutdown: break;
    }
    return "ended: relay shutdown";
}

// Codes come from a CSPRNG; a collision with a live or tombstoned code is
// redrawn. This many redraws in a row means the code space is exhausted.
constexpr int kMaxCodeDraws = 1000;

}  // namespace

SessionDirectory::SessionDirectory(const TimeSource& time, RandomSource& rng, DirectoryLimits limits, Log& log,
                                   DirectoryKeys keys)
    : time_(time), rng_(rng), limits_(limits), log_(log), keys_(std::move(keys)) {}

std::string SessionDirectory::fresh_code_locked(std::size_t digits) {
    for (int i = 0; i < kMaxCodeDraws; ++i) {
        std::string code = random_code(rng_, digits);
        const std::string key = code_key(code);
        if (!codes_.count(key) && !tombstones_.count(key)) return code;
    }
    return {};
}

Result<Created> SessionDirectory::create(const std::string& name, std::size_t digits, std::shared_ptr<SideKey> key) {
    std::lock_guard<std::mutex> lock(mutex_);
    expire_locked(time_.now());
    if (refusing_ || entries_.size() >= limits_.max_sessions) return ApiError::busy;
    std::string code = fresh_code_locked(digits);
    if (code.empty()) return ApiError::busy;
    std::string token = random_token(rng_);
    auto session = std::make_shared<Session>(short_session_id(token), name, time_, limits_.buffer_bytes);
    Entry& e = entries_[session.get()];
    e = Entry{session, code_key(code), token_key(token), {}, time_.now() + limits_.code_ttl, false};
    codes_[e.code] = session.get();
    tokens_[e.desk_token] = Endpoint{session, Side::desk, std::move(key)};
    log_.info(session_prefix(session->short_id()), "created, waiting for the client");
    return Created{code, token, session};
}

ApiError SessionDirectory::join_error_locked(const std::string& code) const {
    auto t = tombstones_.find(code_key(code));
    if (t != tombstones_.end()) return t->second.error;
    return codes_.count(code_key(code)) ? ApiError::used_code : ApiError::unknown_code;
}

Result<Joined> SessionDirectory::join(const std::string& code, std::shared_ptr<SideKey> key) {
    if (!wire::valid_session_code(code)) return ApiError::bad_request;
    std::lock_guard<std::mutex> lock(mutex_);
    expire_locked(time_.now());
    auto c = codes_.find(code_key(code));
    if (c == codes_.end()) return join_error_locked(code);
    Entry& e = entries_.at(c->second);
    if (e.joined) return ApiError::used_code;
    std::string token = random_token(rng_);
    mark_joined_locked(e, token_key(token), std::move(key), "");
    return Joined{token, e.session, e.desk_token};
}

void SessionDirectory::mark_joined_locked(Entry& e, const std::string& client_key, std::shared_ptr<SideKey> key,
                                          const std::string& how) {
    e.joined = true;
    e.joined_at = time_.now();
    e.client_token = client_key;
    tokens_[e.client_token] = Endpoint{e.session, Side::client, std::move(key)};
    e.session->mark_joined();
    log_.info(session_prefix(e.session->short_id()), "client joined" + how);
}

Result<Endpoint> SessionDirectory::authenticate(const std::string& token) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string key = token_key(token);
    auto t = tokens_.find(key);
    if (t != tokens_.end()) return t->second;
    return dead_tokens_.count(key) ? ApiError::ended_session : ApiError::bad_token;
}

void SessionDirectory::end_locked(Entries::iterator it, EndCause cause) {
    Entry& e = it->second;
    const TimePoint until = time_.now() + limits_.tombstone_ttl;
    const EndReasons r = reasons_for(cause);
    e.session->end(r.to_desk, r.to_client);
    const bool expired = cause == EndCause::expired && !e.joined;
    if (e.joined) durations_.observe(time_.now() - e.joined_at);
    tombstones_[e.code] = Tombstone{expired ? ApiError::expired_code : ApiError::ended_session, until};
    codes_.erase(e.code);
    for (const std::string* token : {&e.desk_token, &e.client_token}) {
        if (token->empty()) continue;
        tokens_.erase(*token);
        dead_tokens_[*token] = until;
    }
    log_.info(session_prefix(e.session->short_id()), cause_name(cause));
    if (end_hook_) end_hook_(EndedKeys{e.code, e.desk_token, e.client_token, expired});
    entries_.erase(it);
}

bool SessionDirectory::end(const Session& session, EndCause cause) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(&session);
    if (it == entries_.end()) return false;
    end_locked(it, cause);
    return true;
}

void SessionDirectory::expire_locked(TimePoint now) {
    std::vector<std::pair<Entries::iterator, EndCause>> doomed;
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        it->second.session->settle_polling(now);
        if (!it->second.joined && now >= it->second.code_expires)
            doomed.emplace_back(it, EndCause::expired);
        else if (it->second.session->absent_longer_than(now, limits_.grace))
            doomed.emplace_back(it, EndCause::peer_timeout);
    }
    for (auto& d : doomed) end_locked(d.first, d.second);
}

void SessionDirectory::drop_old_tombstones_locked(TimePoint now) {
    for (auto it = tombstones_.begin(); it != tombstones_.end();)
        it = now >= it->second.until ? tombstones_.erase(it) : std::next(it);
    for (auto it = dead_tokens_.begin(); it != dead_tokens_.end();)
        it = now >= it->second ? dead_tokens_.erase(it) : std::next(it);
}

void SessionDirectory::sweep() {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = time_.now();
    expire_locked(now);
    drop_old_tombstones_locked(now);
}

void SessionDirectory::end_all(EndCause cause) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!entries_.empty()) end_locked(entries_.begin(), cause);
}

void SessionDirectory::refuse_new_sessions() {
    std::lock_guard<std::mutex> lock(mutex_);
    refusing_ = true;
}

void SessionDirectory::set_end_hook(std::function<void(const EndedKeys&)> hook) {
    std::lock_guard<std::mutex> lock(mutex_);
    end_hook_ = std::move(hook);
}

bool SessionDirectory::adopt(const AdoptedSession& a) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tokens_.count(a.desk_key)) return false;
    // short_session_id(desk token): the first 8 hex digits of its SHA-256,
    // which is what a cluster's desk key starts with.
    auto session = std::make_shared<Session>(a.desk_key.substr(0, 8), a.name, time_, limits_.buffer_bytes);
    Entry& e = entries_[session.get()];
    e = Entry{session, a.code_key, a.desk_key, a.client_key, time_.now() + a.code_left, a.joined};
    if (a.joined) {
        e.joined_at = time_.now();
        session->mark_joined();
    }
    if (!e.code.empty()) codes_[e.code] = session.get();
    tokens_[e.desk_token] = Endpoint{session, Side::desk, a.desk_side_key};
    if (!e.client_token.empty()) tokens_[e.client_token] = Endpoint{session, Side::client, a.client_side_key};
    log_.info(session_prefix(session->short_id()), "adopted from another node");
    return true;
}

std::string SessionDirectory::fresh_token() {
    std::lock_guard<std::mutex> lock(mutex_);
    return random_token(rng_);
}

bool SessionDirectory::apply_join(const std::string& desk_key, const std::string& client_key,
                                  std::shared_ptr<SideKey> key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto t = tokens_.find(desk_key);
    if (t == tokens_.end() || t->second.side != Side::desk) return false;
    Entry& e = entries_.at(t->second.session.get());
    if (e.joined) return e.client_token == client_key;
    mark_joined_locked(e, client_key, std::move(key), " (through another node)");
    return true;
}

void SessionDirectory::forget_locked(Entries::iterator it) {
    Entry& e = it->second;
    codes_.erase(e.code);
    tokens_.erase(e.desk_token);
    if (!e.client_token.empty()) tokens_.erase(e.client_token);
    entries_.erase(it);
}

void SessionDirectory::forget(const Session& session) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(&session);
    if (it != entries_.end()) forget_locked(it);
}

std::vector<std::string> SessionDirectory::release_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    while (!entries_.empty()) {
        out.push_back(entries_.begin()->second.desk_token);
        forget_locked(entries_.begin());
    }
    return out;
}

std::vector<std::string> SessionDirectory::desk_keys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.second.desk_token);
    return out;
}

DirectoryCounts SessionDirectory::counts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    DirectoryCounts c;
    c.tombstones = tombstones_.size();
    c.durations = durations_;
    for (const auto& e : entries_) {
        switch (e.second.session->state()) {
        case SessionState::waiting: ++c.waiting; break;
        case SessionState::connected: ++c.connected; break;
        case SessionState::reconnecting: ++c.reconnecting; break;
        }
    }
    return c;
}

}  // namespace relay
