// The tether-relay program itself: --help, refusal of bad options, --dev
// printing its port and the certificate to trust, SIGTERM exits cleanly.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

#include "relay_harness.h"

namespace {

struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;  // its stdout
};

// Runs tether-relay with `args`; stdout is piped to us, stderr discarded.
Child spawn(std::vector<std::string> args) {
    args.insert(args.begin(), TETHER_RELAY_BIN);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    Child c;
    c.pid = fork();
    if (c.pid == 0) {
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

std::string read_line(Child& c) {
    char buf[1024];
    return std::fgets(buf, sizeof buf, c.out) ? std::string(buf) : std::string();
}

int wait_exit(Child& c) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    std::fclose(c.out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("--help answers on stdout and exits 0") {
    Child c = spawn({"--help"});
    std::string all, line;
    while (!(line = read_line(c)).empty()) all += line;
    CHECK(wait_exit(c) == 0);
    CHECK(all.find("--listen") != std::string::npos);
    CHECK(all.find("--dev") != std::string::npos);
}

TEST_CASE("a bad option exits 1") {
    Child c = spawn({"--listen", "nonsense"});
    CHECK(wait_exit(c) == 1);
    Child d = spawn({"--listen", "127.0.0.1:0"});  // no certificate, no --dev
    CHECK(wait_exit(d) == 1);
}

TEST_CASE("--dev prints the certificate to trust and the port, serves, and stops on SIGTERM") {
    relay_test::TempDir state;
    Child c = spawn({"--dev", "--state-dir", state.path(), "--listen", "127.0.0.1:0"});
    const std::string trust = read_line(c);
    const std::string listening = read_line(c);
    CHECK(trust == "dev certificate: trust it with: --ca " + state.path() + "/dev-cert.pem\n");
    std::smatch m;
    REQUIRE(std::regex_search(listening, m, std::regex("^listening on https://127\\.0\\.0\\.1:([0-9]+)\n$")));
    httplib::SSLClient cli("localhost", std::stoi(m[1]));
    cli.set_ca_cert_path((state.path() + "/dev-cert.pem").c_str());
    cli.enable_server_certificate_verification(true);
    auto res = cli.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    kill(c.pid, SIGTERM);
    CHECK(wait_exit(c) == 0);
}
