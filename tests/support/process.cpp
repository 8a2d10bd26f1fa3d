#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

extern char** environ;

namespace test_support {
namespace {

// argv/envp arrays for posix_spawn; the strings stay owned by `store`.
std::vector<char*> c_array(std::vector<std::string>& store) {
    std::vector<char*> out;
    for (auto& s : store) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

std::vector<std::string> child_env(const ProcessOptions& o) {
    std::set<std::string> drop(o.unset_env.begin(), o.unset_env.end());
    for (auto& kv : o.env) drop.insert(kv.first);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string s = *e;
        if (!drop.count(s.substr(0, s.find('=')))) env.push_back(s);
    }
    for (auto& kv : o.env) env.push_back(kv.first + "=" + kv.second);
    return env;
}

void check(int rc, const char* what) {
    if (rc != 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(rc));
}

// One standard stream of the child: a file when `path` is set, else a pipe.
struct Redirect {
    int parent = -1;  // our end of the pipe
    int child = -1;   // the child's end, closed in the parent after spawning
};

Redirect redirect(posix_spawn_file_actions_t* fa, int target, const std::string& path, bool input) {
    if (!path.empty()) {
        int flags = input ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
        check(posix_spawn_file_actions_addopen(fa, target, path.c_str(), flags, 0644), "addopen");
        return {};
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    Redirect r{input ? p[1] : p[0], input ? p[0] : p[1]};
    // dup2 clears O_CLOEXEC on the target; the original closes on exec.
    check(posix_spawn_file_actions_adddup2(fa, r.child, target), "adddup2");
    return r;
}

int exit_status(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

std::string tail(const std::string& s, std::size_t n = 2000) {
    return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

}  // namespace

Process::Process(ProcessOptions opts) : opts_(std::move(opts)) {
    static bool once = (::signal(SIGPIPE, SIG_IGN), true);  // a dead child's pipe must not kill the test
    (void)once;
    std::vector<std::string> args = opts_.wrapper;
    args.insert(args.end(), opts_.argv.begin(), opts_.argv.end());
    std::vector<std::string> env = child_env(opts_);
    auto argv = c_array(args), envp = c_array(env);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    Redirect in = redirect(&fa, 0, opts_.stdin_path, true);
    Redirect out = redirect(&fa, 1, opts_.stdout_path, false);
    Redirect err = redirect(&fa, 2, opts_.stderr_path, false);
    if (!opts_.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, opts_.cwd.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);  // own group: kill_group() reaches its helpers
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    int rc = posix_spawnp(&pid_, args[0].c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    for (const Redirect& r : {in, out, err})
        if (r.child >= 0) ::close(r.child);
    stdin_fd_ = in.parent;
    out_.fd = out.parent;
    err_.fd = err.parent;
    if (rc != 0) {
        for (int fd : {stdin_fd_, out_.fd, err_.fd})
            if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
    }
    start_reader(out_);
    start_reader(err_);
    waiter_ = std::thread([this] { reap(); });
}

Process::~Process() {
    kill_group();
    if (waiter_.joinable()) waiter_.join();
    close_stdin();
    for (Capture* c : {&out_, &err_})
        if (c->reader.joinable()) c->reader.join();
}

void Process::start_reader(Capture& c) {
    if (c.fd < 0) return;
    c.reader = std::thread([this, &c] {
        char buf[4096];
        for (;;) {
            ssize_t n = ::read(c.fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            std::lock_guard<std::mutex> lk(mu_);
            if (n <= 0) {
                ::close(c.fd);
                c.fd = -1;
                cv_.notify_all();
                return;
            }
            c.text.append(buf, static_cast<std::size_t>(n));
            cv_.notify_all();
        }
    });
}

void Process::reap() {
    int st = 0;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard<std::mutex> lk(mu_);
    status_ = exit_status(st);
    cv_.notify_all();
}

const Process::Capture& Process::capture(Stream which) const {
    return which == Stream::out ? out_ : err_;
}

std::vector<std::string> Process::wait_for_line(Stream which, const std::string& re,
                                                std::chrono::milliseconds timeout) {
    const std::regex rx(re);
    const Capture& c = capture(which);
    auto found = [&](std::vector<std::string>& groups) {
        std::istringstream lines(c.text);
        std::string line;
        std::smatch m;
        while (std::getline(lines, line))
            if (std::regex_search(line, m, rx)) {
                for (auto& g : m) groups.push_back(g.str());
                return true;
            }
        return false;
    };
    std::unique_lock<std::mutex> lk(mu_);
    std::vector<std::string> groups;
    bool ok = cv_.wait_for(lk, timeout, [&] { return found(groups) || (status_ && c.fd < 0); });
    if (ok && !groups.empty()) return groups;
    std::string why = status_ ? "exited with " + std::to_string(*status_) : "timed out";
    throw std::runtime_error(opts_.argv[0] + " " + why + " before printing /" + re +
                             "/; its output:\n" + tail(c.text));
}

std::string Process::out() const {
    std::lock_guard<std::mutex> lk(mu_);
    return out_.text;
}

std::string Process::err() const {
    std::lock_guard<std::mutex> lk(mu_);
    return err_.text;
}

void Process::write_stdin(const std::string& bytes) {
    std::size_t done = 0;
    while (stdin_fd_ >= 0 && done < bytes.size()) {
        ssize_t n = ::write(stdin_fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("writing to the child's stdin failed");
        done += static_cast<std::size_t>(n);
    }
}

void Process::close_stdin() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
}

int Process::wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!cv_.wait_for(lk, timeout, [&] { return status_.has_value(); }))
        throw std::runtime_error(opts_.argv[0] + " did not exit in time; stderr:\n" + tail(err_.text));
    // Let the readers take the last output, unless a grandchild holds the pipe.
    cv_.wait_for(lk, 1s, [&] { return out_.fd < 0 && err_.fd < 0; });
    return *status_;
}

std::optional<int> Process::exit_code() const {
    std::lock_guard<std::mutex> lk(mu_);
    return status_;
}

void Process::signal(int sig) {
    if (!exit_code()) ::kill(pid_, sig);
}

void Process::kill_group(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait_for(lk, grace, [&] { return status_.has_value(); });
    }
    ::kill(-pid_, SIGKILL);  // helpers of the group, or a leader that ignored SIGTERM
}

RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    ProcessOptions o;
    o.argv = argv;
    o.stdin_path = "/dev/null";
    Process p(o);
    int code = p.wait(timeout);
    return {code, p.out() + p.err()};
}

}  // namespace test_support
