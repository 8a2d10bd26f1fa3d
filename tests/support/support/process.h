// A child process for end-to-end tests: started with posix_spawn, its own
// process group, stdin/stdout/stderr each a file or a pipe. Captured output
// can be waited on line by line with a bounded timeout. The destructor kills
// whatever is still running (SIGTERM, then SIGKILL), so a failing test never
// leaves processes behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

using namespace std::chrono_literals;

struct ProcessOptions {
    std::vector<std::string> argv;              // argv[0]: path of the program
    std::map<std::string, std::string> env;     // set on top of our environment
    std::vector<std::string> unset_env;         // removed from it (e.g. http_proxy)
    std::string stdin_path;   // empty: a pipe (write_stdin / close_stdin)
    std::string stdout_path;  // empty: captured in memory (out())
    std::string stderr_path;  // empty: captured in memory (err())
    std::string cwd;          // empty: ours
    // Prefix run in front of argv, e.g. {"unshare", "-n"} for no network.
    std::vector<std::string> wrapper;
};

class Process {
public:
    enum class Stream { out, err };

    explicit Process(ProcessOptions opts);  // throws std::runtime_error
    ~Process();                             // kill_group(), then reap
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }

    // Waits until a captured line of `which` matches `re` (std::regex_search)
    // and returns its groups ([0] whole match). Throws std::runtime_error on
    // timeout or if the process exits first; the message quotes the output.
    std::vector<std::string> wait_for_line(Stream which, const std::string& re,
                                           std::chrono::milliseconds timeout = 10s);

    std::string out() const;  // captured stdout so far
    std::string err() const;  // captured stderr so far

    void write_stdin(const std::string& bytes);  // stdin must be a pipe
    void close_stdin();

    // Exit code, or 128 + signal when killed by a signal. Throws on timeout.
    int wait(std::chrono::milliseconds timeout = 30s);
    std::optional<int> exit_code() const;  // nullopt while running
    void signal(int sig);                  // to the process only
    void kill_group(std::chrono::milliseconds grace = 2s);  // SIGTERM, then SIGKILL

private:
    struct Capture {
        int fd = -1;
        std::string text;
        std::thread reader;
    };
    void start_reader(Capture& c);
    void reap();
    const Capture& capture(Stream which) const;

    ProcessOptions opts_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    Capture out_, err_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<int> status_;
    std::thread waiter_;
};

// Runs a short command to completion; returns its exit code and output
// (stdout+stderr). Throws on timeout.
struct RunResult {
    int code;
    std::string output;
};
RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 30s);

}  // namespace test_support
