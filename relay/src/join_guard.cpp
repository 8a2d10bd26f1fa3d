#include "relay/join_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace relay {
namespace {

using std::chrono::seconds;

// Whole seconds until `t`, at least 1 (Retry-After).
seconds seconds_until(TimePoint t, TimePoint now) {
    const auto left = std::chrono::ceil<seconds>(t - now);
    return std::max(left, seconds(1));
}

std::string masked(int family, void* bytes, std::size_t keep_bytes, std::size_t all_bytes, const char* suffix) {
    std::memset(static_cast<unsigned char*>(bytes) + keep_bytes, 0, all_bytes - keep_bytes);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family, bytes, buf, sizeof buf);
    return std::string(buf) + suffix;
}

}  // namespace

std::string prefix_key(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return masked(AF_INET, &v4, 3, 4, "/24");
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) != 1) return address + "/?";  // never from a socket
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        std::memcpy(&v4, v6.s6_addr + 12, 4);
        return masked(AF_INET, &v4, 3, 4, "/24");
    }
    return masked(AF_INET6, &v6, 7, 16, "/56");
}

JoinGuard::JoinGuard(const TimeSource& time, GuardLimits limits)
    : time_(time), limits_(limits), alarm_(TokenBucket::per_minute(limits.alarm_per_minute, time.now())),
      raised_until_(time.now()) {}

JoinGuard::Source* JoinGuard::find(const std::string& key) {
    auto it = sources_.find(key);
    return it == sources_.end() ? nullptr : &it->second;
}

JoinGuard::Source& JoinGuard::source(const std::string& key, double per_minute, TimePoint now) {
    auto it = sources_.find(key);
    if (it == sources_.end()) it = sources_.emplace(key, Source{TokenBucket::per_minute(per_minute, now), {}}).first;
    return it->second;  // references into an unordered_map survive later inserts
}

GuardAdmission JoinGuard::check(Source* s, GuardRefusal why, bool short_code, TimePoint now) {
    if (!s) return {};
    if (!s->budget.available(now)) return {why, std::max(s->budget.wait_time(now), seconds(1))};
    const bool failed_lately = s->last_failure != TimePoint{} && now - s->last_failure < limits_.memory;
    if (short_code && failed_lately && raised_locked(now))
        return {GuardRefusal::short_code, seconds_until(s->last_failure + limits_.memory, now)};
    return {};
}

GuardAdmission JoinGuard::admit(const std::string& address, bool short_code) {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = time_.now();
    const std::string a = rate_key(address), p = prefix_key(address);
    Source* sa = find(a);
    Source* sp = find(p);
    // Checked on what exists, so that a refusal adds no entry.
    for (auto r : {check(sa, GuardRefusal::address, short_code, now), check(sp, GuardRefusal::prefix, short_code, now)})
        if (!r.allowed()) return r;
    if ((!sa || !sp) && sources_.size() + 2 > kMaxTracked) sweep_locked(now);
    if ((!sa || !sp) && sources_.size() + 2 > kMaxTracked) return {GuardRefusal::full, limits_.memory};
    source(a, limits_.failures_per_ip, now).budget.take();
    source(p, limits_.failures_per_prefix, now).budget.take();
    return {};
}

void JoinGuard::succeeded(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& key : {rate_key(address), prefix_key(address)})
        if (Source* s = find(key)) s->budget.give_back();
}

bool JoinGuard::failed(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = time_.now();
    for (const std::string& key : {rate_key(address), prefix_key(address)})
        if (Source* s = find(key)) s->last_failure = now;
    if (limits_.alarm_per_minute <= 0) return false;  // always up: nothing to raise
    if (alarm_.available(now)) {
        alarm_.take();
        return false;
    }
    const bool was_up = raised_locked(now);
    raised_until_ = now + limits_.hold;
    was_raised_ = true;
    return !was_up;
}

bool JoinGuard::raised_locked(TimePoint now) const { return limits_.alarm_per_minute <= 0 || now < raised_until_; }

bool JoinGuard::raised() {
    std::lock_guard<std::mutex> lock(mutex_);
    return raised_locked(time_.now());
}

std::size_t JoinGuard::code_digits() { return raised() ? limits_.long_digits : wire::kShortCodeDigits; }

bool JoinGuard::sweep() {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = time_.now();
    sweep_locked(now);
    const bool went_down = was_raised_ && !raised_locked(now);
    if (went_down) was_raised_ = false;
    return went_down;
}

void JoinGuard::sweep_locked(TimePoint now) {
    for (auto it = sources_.begin(); it != sources_.end();) {
        const Source& s = it->second;
        const bool remembered = s.last_failure != TimePoint{} && now - s.last_failure < limits_.memory;
        it = !remembered && it->second.budget.full(now) ? sources_.erase(it) : std::next(it);
    }
}

std::size_t JoinGuard::tracked() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sources_.size();
}

}  // namespace relay
