// The parent side of the PAC sandbox: spawns tether-pac-eval under
// RLIMIT_CPU / RLIMIT_AS, feeds it the request, answers its DNS questions
// through our Resolver (so they are traced and fakeable), and kills it when
// the wall-clock budget runs out.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "proxydetect/pac.h"
#include "process.h"

namespace proxydetect {

std::string locate_pac_helper(const std::string& override_path) {
    if (!override_path.empty()) return override_path;
    if (const char* env = std::getenv("TETHER_PAC_EVAL"); env && *env) return env;
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "tether-pac-eval";
    std::string self(buf, static_cast<std::size_t>(n));
    return self.substr(0, self.rfind('/') + 1) + "tether-pac-eval";
}

namespace {

using nlohmann::json;
using Ms = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// Alerts beyond this are dropped: a PAC that alerts in a loop must not
// fill our memory or the support ticket.
constexpr std::size_t kMaxEvents = 200;
// One protocol line (an alert, mostly) may not exceed this.
constexpr std::size_t kMaxLine = 64 * 1024;

// How long a helper that closed its socket may take to exit.
constexpr Ms kExitGrace{1000};

struct Child {
    pid_t pid = -1;
    int fd = -1;  // our end of the socketpair (child's stdin and stdout)
};

// Between fork and exec only async-signal-safe calls (setrlimit, dup2, close).
// `envp` is prepared before fork (no allocation after it): only TZ, so
// that the PAC time functions see local time, and nothing else of ours
// (proxy passwords in http_proxy, tokens) reaches the untrusted script's process.
[[noreturn]] void exec_child(const std::string& path, int fd, int devnull, const PacLimits& lim,
                             char* const* envp) {
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(devnull, 2);
    for (int i = 3; i < 1024; ++i) close(i);
    rlim_t cpu = static_cast<rlim_t>(lim.cpu.count());
    rlimit r{cpu, cpu + 1};  // soft: SIGXCPU, hard: SIGKILL one second later
    setrlimit(RLIMIT_CPU, &r);
    r = {lim.address_space_bytes, lim.address_space_bytes};
    setrlimit(RLIMIT_AS, &r);
    r = {0, 0};
    setrlimit(RLIMIT_CORE, &r);
    setrlimit(RLIMIT_FSIZE, &r);  // the helper writes no files
    r = {16, 16};                 // stdio and /etc/localtime; nothing else to open
    setrlimit(RLIMIT_NOFILE, &r);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
}

Child spawn(const std::string& path, const PacLimits& lim, std::string& error) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return {};
    }
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    const char* tz = std::getenv("TZ");
    std::string tz_entry = tz ? std::string("TZ=") + tz : "";
    char* envp[] = {tz ? const_cast<char*>(tz_entry.c_str()) : nullptr, nullptr};
    pid_t pid = fork();
    if (pid == 0) exec_child(path, sv[1], devnull, lim, envp);
    close(sv[1]);
    if (devnull >= 0) close(devnull);
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        close(sv[0]);
        return {};
    }
    return {pid, sv[0]};
}

bool send_line(int fd, const json& j) {
    std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    for (std::size_t off = 0; off < s.size();) {
        ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // the helper died; its exit status says why
        off += static_cast<std::size_t>(n);
    }
    return true;
}

std::string describe_exit(int status, const PacLimits& lim) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU)
            return "PAC script exceeded the CPU limit of " + std::to_string(lim.cpu.count()) +
                   " s (endless loop?); fix the script or ask its owner";
        if (sig == SIGKILL) return "PAC helper was killed (CPU limit reached or out of memory)";
        return "PAC helper crashed with signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return "cannot run the PAC helper; is tether-pac-eval installed next to this program "
               "(or TETHER_PAC_EVAL set)?";
    return "PAC helper exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
}

class HelperEvaluator : public PacEvaluator {
public:
    HelperEvaluator(std::string path, PacLimits limits) : path_(std::move(path)), limits_(limits) {}

    PacOutcome evaluate(const PacRequest& req, Resolver& dns) override {
        PacOutcome out;
        auto start = SteadyClock::now();
        if (req.script.size() > limits_.max_script_bytes) {
            out.error = "PAC script is " + std::to_string(req.script.size()) + " bytes, over the limit of " +
                        std::to_string(limits_.max_script_bytes);
            return out;
        }
        std::string error;
        Child child = spawn(path_, limits_, error);
        if (child.pid < 0) {
            out.error = "cannot start the PAC helper: " + error;
            return out;
        }
        bool timed_out = !converse(child.fd, request_json(req), dns, start, out);
        close(child.fd);
        // After a timeout: kill now. After EOF the helper is exiting; give it
        // a moment so that its exit status (SIGXCPU, 127...) is the real one.
        int status = reap_within(child.pid, timed_out ? Ms(0) : kExitGrace);
        out.elapsed = std::chrono::duration_cast<Ms>(SteadyClock::now() - start);
        finish(out, timed_out, status);
        return out;
    }

private:
    json request_json(const PacRequest& req) const {
        json j{{"script", req.script}, {"url", req.url}, {"host", req.host},
               {"my_addresses", req.my_addresses}, {"heap_limit", limits_.heap_bytes}};
        if (req.now_epoch) j["now"] = *req.now_epoch;
        else j["now"] = nullptr;
        return j;
    }

    void finish(PacOutcome& out, bool timed_out, int status) const {
        if (timed_out) {
            out.ok = false;
            out.error = "PAC script did not finish within " + std::to_string(limits_.wall.count()) +
                        " ms (endless loop or slow DNS?); it was stopped";
        } else if (!out.ok && out.error.empty()) {
            out.error = describe_exit(status, limits_);
        }
        if (!out.ok && !out.error.empty())
            add(out, {PacEvent::Kind::error, out.error, {}});
    }

    static void add(PacOutcome& out, PacEvent ev) {
        if (out.events.size() < kMaxEvents) out.events.push_back(std::move(ev));
    }

    // Runs the protocol until the helper closes its end. Returns false when
    // the wall-clock budget ran out first.
    bool converse(int fd, const json& request, Resolver& dns, SteadyClock::time_point start,
                  PacOutcome& out) {
        // A helper that stops reading must not block us past the budget.
        timeval tv{static_cast<time_t>(limits_.wall.count() / 1000),
                   static_cast<suseconds_t>((limits_.wall.count() % 1000) * 1000)};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        send_line(fd, request);  // failure shows up as EOF + exit status
        std::string buf;
        char chunk[4096];
        for (;;) {
            auto left = limits_.wall - std::chrono::duration_cast<Ms>(SteadyClock::now() - start);
            if (left.count() <= 0) return false;
            pollfd p{fd, POLLIN, 0};
            int r = poll(&p, 1, static_cast<int>(left.count()));
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) return false;
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return true;
            buf.append(chunk, static_cast<std::size_t>(n));
            for (auto nl = buf.find('\n'); nl != std::string::npos; nl = buf.find('\n')) {
                handle(fd, buf.substr(0, nl), dns, start + limits_.wall, out);
                buf.erase(0, nl + 1);
            }
            if (buf.size() > kMaxLine) {
                out.error = "PAC helper sent an oversized message";
                return true;
            }
        }
    }

    // `deadline`: the end of the wall budget, which DNS answers must respect.
    void handle(int fd, const std::string& line, Resolver& dns, SteadyClock::time_point deadline, PacOutcome& out) {
        try {
            dispatch(fd, json::parse(line), dns, deadline, out);
        } catch (const json::exception&) {
            add(out, {PacEvent::Kind::error, "PAC helper sent a malformed message (ignored)", {}});
        }
    }

    void dispatch(int fd, const json& m, Resolver& dns, SteadyClock::time_point deadline, PacOutcome& out) {
        if (!m.is_object()) return;
        std::string t = m.value("t", "");
        if (t == "alert") add(out, {PacEvent::Kind::alert, m.value("msg", ""), {}});
        else if (t == "dns") answer_dns(fd, m.value("name", ""), dns, deadline, out);
        else if (t == "result") { out.ok = true; out.result = m.value("value", ""); }
        else if (t == "error") { out.ok = false; out.error = m.value("msg", ""); }
    }

    void answer_dns(int fd, const std::string& name, Resolver& dns, SteadyClock::time_point deadline,
                    PacOutcome& out) {
        auto t0 = SteadyClock::now();
        auto left = std::max(Ms(1), std::chrono::duration_cast<Ms>(deadline - t0));
        auto addrs = dns.resolve_within(name, left);
        auto took = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0);
        std::string text = name + " -> ";
        for (std::size_t i = 0; i < addrs.size(); ++i) text += (i ? ", " : "") + addrs[i];
        if (addrs.empty()) text += "(does not resolve)";
        add(out, {PacEvent::Kind::dns, text, took});
        send_line(fd, json{{"addrs", addrs}});
    }

    std::string path_;
    PacLimits limits_;
};

}  // namespace

std::unique_ptr<PacEvaluator> make_helper_evaluator(std::string helper_path, PacLimits limits) {
    return std::make_unique<HelperEvaluator>(std::move(helper_path), limits);
}

}  // namespace proxydetect
