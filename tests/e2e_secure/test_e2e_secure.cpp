// Issue 7 at the relay: what a real tether-relay sees of a session with the
// end-to-end layer on (only ciphertext), what a relay playing man in the
// middle gets (different authentication strings), and what a relay that
// flips a byte causes (a clear error, no corrupted data).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/temp_dir.h"
#include "tunnel/endpoint.h"

using namespace test_support;
using secure::SecureRole;

namespace {

// Every line of the known plaintext carries this marker: any leak of 31 or
// more consecutive plaintext bytes contains it.
const std::string kMarker = "KNOWN-PLAINTEXT";

std::string known_plaintext(std::size_t lines) {
    std::string s;
    char line[64];
    for (std::size_t i = 0; i < lines; ++i) {
        std::snprintf(line, sizeof line, "TETHER-%s-%08zu\n", kMarker.c_str(), i);
        s += line;
    }
    return s;
}

tunnel::EndpointConfig config(const Relay& relay) {
    tunnel::EndpointConfig c;
    c.relay_url = relay.url();
    c.ca_file = relay.ca_file();
    return c;
}

struct Sides {
    std::unique_ptr<tunnel::EndpointSession> desk, client;
};

Sides pair_up(const tunnel::EndpointConfig& cfg) {
    Sides s;
    s.desk = tunnel::open_session(cfg, "desk");
    s.client = tunnel::join_session(cfg, s.desk->code());
    return s;
}

// Both handshakes at once (each waits for the other side).
std::pair<std::unique_ptr<secure::SecureStream>, std::unique_ptr<secure::SecureStream>>
secure_both(tunnel::EndpointSession& desk_side, tunnel::EndpointSession& client_side) {
    auto desk = std::async(std::launch::async, [&] { return tunnel::secure_session(desk_side, SecureRole::desk); });
    auto client = tunnel::secure_session(client_side, SecureRole::client);
    return {desk.get(), std::move(client)};
}

std::string read_all(session::ByteStream& s, std::size_t n) {
    std::string got(n, '\0');
    REQUIRE(session::read_exact(s, &got[0], n));
    return got;
}

// True if `needle` occurs anywhere in the file (mapped, not read into memory).
bool file_contains(const std::string& path, const std::string& needle) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return false;
    struct stat st {};
    ::fstat(fd, &st);
    bool found = false;
    if (st.st_size > 0) {
        void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            found = ::memmem(p, static_cast<std::size_t>(st.st_size), needle.data(), needle.size()) != nullptr;
            ::munmap(p, static_cast<std::size_t>(st.st_size));
        }
    }
    ::close(fd);
    return found;
}

bool any_file_contains(const std::string& dir, const std::string& needle) {
    for (auto& e : std::filesystem::directory_iterator(dir))
        if (file_contains(e.path().string(), needle)) return true;
    return false;
}

std::uintmax_t total_size(const std::string& dir) {
    std::uintmax_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) n += e.file_size();
    return n;
}

}  // namespace

TEST_CASE("the relay forwards and holds only ciphertext", "[plaintext]") {
    TempDir capture("tether-capture");
    Relay relay({{"--capture-dir", capture.path()}});
    auto cfg = config(relay);
    const std::string text = known_plaintext(40000);  // ~1.2 MB

    SECTION("end-to-end layer on: no plaintext in what crossed the relay, nor in its memory") {
        Sides s = pair_up(cfg);
        auto [desk, client] = secure_both(*s.desk, *s.client);
        CHECK(desk->auth_string() == client->auth_string());
        std::thread w([&] { desk->write(text.data(), text.size()); });
        CHECK(read_all(*client, text.size()) == text);
        w.join();
        client->write(text.data(), 100000);
        CHECK(read_all(*desk, 100000) == text.substr(0, 100000));

        CHECK(total_size(capture.path()) > text.size());  // the relay did forward it all
        CHECK_FALSE(any_file_contains(capture.path(), kMarker));
        // A core dump of the live relay: its buffers, heap and stacks.
        TempDir core("tether-core");
        auto r = run({"gcore", "-o", core.file("relay"), std::to_string(relay.process().pid())},
                     std::chrono::seconds(60));
        REQUIRE(r.code == 0);
        CHECK(total_size(core.path()) > 1000000);
        CHECK_FALSE(any_file_contains(core.path(), kMarker));
    }
    SECTION("control: without the end-to-end layer the same check finds the plaintext") {
        Sides s = pair_up(cfg);
        std::thread w([&] { s.desk->write(text.data(), text.size()); });
        CHECK(read_all(*s.client, text.size()) == text);
        w.join();
        CHECK(any_file_contains(capture.path(), kMarker));
    }
}

TEST_CASE("a relay that plays man in the middle cannot match the authentication strings", "[mitm]") {
    Relay relay;
    auto cfg = config(relay);
    // The "relay" pairs the desk with itself and itself with the client: two
    // sessions, each side's end-to-end channel terminated with its own keys.
    auto desk = tunnel::open_session(cfg, "desk");
    auto mitm_as_client = tunnel::join_session(cfg, desk->code());
    auto mitm_as_desk = tunnel::open_session(cfg, "desk");
    auto client = tunnel::join_session(cfg, mitm_as_desk->code());

    auto [desk_tls, mitm_to_desk] = secure_both(*desk, *mitm_as_client);
    auto [mitm_to_client, client_tls] = secure_both(*mitm_as_desk, *client);
    std::thread forward([&] { session::pump(*mitm_to_desk, *mitm_to_client); });

    // It works as a relay of plaintext, so only the strings can tell.
    desk_tls->write("hello client", 12);
    CHECK(read_all(*client_tls, 12) == "hello client");
    CHECK(desk_tls->auth_string() != client_tls->auth_string());
    CHECK(desk_tls->auth_string() == mitm_to_desk->auth_string());
    CHECK(client_tls->auth_string() == mitm_to_client->auth_string());

    desk_tls->close();
    client_tls->close();
    mitm_to_desk->close();
    mitm_to_client->close();
    forward.join();
}

TEST_CASE("a byte flipped by the relay breaks the session with a clear error", "[tamper]") {
    // Offset 60000 of the desk's stream: past the handshake, inside data.
    Relay relay({{"--tamper-offset", "60000"}});
    auto cfg = config(relay);
    Sides s = pair_up(cfg);
    auto [desk, client] = secure_both(*s.desk, *s.client);
    const std::string text = known_plaintext(20000);  // ~620 KB
    std::thread w([&] {
        try { desk->write(text.data(), text.size()); } catch (const session::StreamError&) {}
    });
    std::string got;
    std::string error;
    try {
        char buf[4096];
        while (std::size_t n = client->read(buf, sizeof buf)) got.append(buf, n);
    } catch (const session::StreamError& e) {
        error = e.what();
    }
    desk->close();
    w.join();
    CHECK_THAT(error, Catch::Contains("altered"));
    CHECK(got.size() < text.size());
    CHECK(got == text.substr(0, got.size()));  // only a correct prefix reached the application
}
