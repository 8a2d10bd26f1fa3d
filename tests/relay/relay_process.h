// The real tether-relay as a child process (the tree's own build, never one
// from PATH): stdout piped to the test, stderr discarded.
#pragma once

#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

namespace relay_test {

struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;  // its stdout
};

// Runs tether-relay with `args`; stdout is piped to us, stderr discarded.
// `open_files`: if set, the child's hard and soft RLIMIT_NOFILE.
inline Child spawn(std::vector<std::string> args, rlim_t open_files = 0) {
    args.insert(args.begin(), TETHER_RELAY_BIN);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    Child c;
    c.pid = fork();
    if (c.pid == 0) {
        if (open_files) {
            rlimit r{open_files, open_files};
            setrlimit(RLIMIT_NOFILE, &r);
        }
        dup2(fds[1], 1);
        FILE* null = std::fopen("/dev/null", "w");
        dup2(fileno(null), 2);
        close(fds[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fds[1]);
    c.out = fdopen(fds[0], "r");
    return c;
}

inline std::string read_line(Child& c) {
    char buf[1024];
    return std::fgets(buf, sizeof buf, c.out) ? std::string(buf) : std::string();
}

inline int wait_exit(Child& c) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    std::fclose(c.out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The port from the "listening on https://127.0.0.1:PORT" line.
inline int listening_port(Child& c) {
    std::string line;
    std::smatch m;
    for (int i = 0; i < 3 && !std::regex_search(line, m, std::regex("^listening on https://[^:]+:([0-9]+)")); ++i)
        line = read_line(c);
    REQUIRE(!m.empty());
    return std::stoi(m[1]);
}

}  // namespace relay_test
