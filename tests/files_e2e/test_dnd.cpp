// Both windows, as a supporter and a customer use them: the desk's window on
// one Xvfb, the customer's window on another (code prefilled, Connect with
// Return, F12 pressed on the customer's display). xdnd_drop plays a file
// manager dropping a file (text/uri-list) onto the customer's screen area of
// the desk window. With F12 on the file arrives intact; with F12 off the
// desk's window shows the refusal in red and nothing is written.
// Screenshots go to the screen tests' artefacts folder.
#include <catch2/catch.hpp>

#include "files_fixture.h"
#include "screen/png.h"
#include "support/sha256.h"

using namespace filestest;
using test_support::sha256_file;
using test_support::write_random_file;

namespace {

constexpr int kClientCodeX = 210, kClientCodeY = 37;  // the code field (client/client_window.cpp)
constexpr int kDeskW = 1024, kDeskH = 768, kMessageLine = 26;  // desk/desk_window.cpp
constexpr std::uint32_t kProblemRed = 0xB00020;

struct Session {
    Xvfb customer{800, 600}, supporter{1100, 860};
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    Scratch in_dir, desk_dir, src;
    std::string in = in_dir.path();  // the customer's download folder
    std::unique_ptr<Process> desk, client;
    int dx = 0, dy = 0;  // desk window on the supporter's screen

    // Desk window started; customer window connected by its user.
    Session() {
        std::string addr = "127.0.0.1:" + std::to_string(free_port());
        desk = std::make_unique<Process>(
            std::vector<std::string>{desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds,
                                     "--download-dir", desk_dir.path()},
            std::vector<std::string>{"DISPLAY=" + supporter.name()});
        REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
        client = std::make_unique<Process>(
            std::vector<std::string>{client_binary(), "--code", read_status(ds)["code"], "--direct-connect", addr,
                                     "--status-file", cs, "--download-dir", in},
            std::vector<std::string>{"DISPLAY=" + customer.name()});
        int cx = 0, cy = 0;
        REQUIRE(wait_until([&] { return find_window(customer.name(), "Tether customer", cx, cy); }));
        REQUIRE(xdotool(customer.name(), {"mousemove", std::to_string(cx + kClientCodeX),
                                          std::to_string(cy + kClientCodeY), "click", "1"}) == 0);
        REQUIRE(xdotool(customer.name(), {"key", "Return"}) == 0);
        REQUIRE(wait_status(ds, "phase", "connected"));
        // The customer's screen is shown (for the screenshots; the drop does not need it).
        REQUIRE(wait_until([&] { return std::atoi(read_status(ds)["frames"].c_str()) >= 1; }));
        REQUIRE(wait_until([&] { return find_window(supporter.name(), "Tether desk", dx, dy); }));
    }
    int drop(const std::string& file) {
        return run({XDND_DROP_BINARY, "--title", "Tether desk", file}, {"DISPLAY=" + supporter.name()});
    }
    bool message_line_has(std::uint32_t rgb) {
        desktop::Frame f = grab(supporter.name());
        for (int y = dy + kDeskH - kMessageLine; y < dy + kDeskH; ++y)
            for (int x = dx; x < dx + kDeskW; ++x)
                if (f.at(x, y) == rgb) return true;
        return false;
    }
    void screenshots(const std::string& desk_name, const std::string& client_name) {
        screen::write_png(artefact_dir() + "/" + desk_name + ".png", grab(supporter.name()));
        screen::write_png(artefact_dir() + "/" + client_name + ".png", grab(customer.name()));
    }
};

}  // namespace

TEST_CASE("F12 on: a file dropped onto the desk window arrives at the customer with the same SHA-256") {
    Session s;
    REQUIRE(xdotool(s.customer.name(), {"key", "F12"}) == 0);
    REQUIRE(wait_status(s.ds, "files", "on"));
    std::string file = s.src / "dropped 100% file.bin";  // space and % travel %-encoded in the URI
    write_random_file(file, 2 * MiB + 99, 7);

    // Default drop point: the window's centre, inside the customer's screen area.
    REQUIRE(s.drop(file) == 0);

    REQUIRE(wait_state(s.ds, 1, "done"));
    CHECK(field(s.ds, 1, "name") == "dropped 100% file.bin");
    CHECK(wait_state(s.cs, 1, "done"));
    CHECK(listing(s.in) == std::vector<std::string>{"dropped 100% file.bin"});
    CHECK(sha256_file(s.in + "/dropped 100% file.bin") == sha256_file(file));
    CHECK_FALSE(s.message_line_has(kProblemRed));
    s.screenshots("desk-6-file-dropped", "client-5-file-received");
}

TEST_CASE("F12 off: a dropped file is refused, the desk window says why in red, nothing is written") {
    Session s;
    std::string file = s.src / "setup.exe";
    write_random_file(file, 100 * 1024, 8);
    REQUIRE(s.drop(file) == 0);  // the desk takes the drop; the customer's side refuses the offer

    REQUIRE(wait_state(s.ds, 1, "failed"));
    CHECK(field(s.ds, 1, "text").find("file transfer is switched off on the customer's side (F12)") !=
          std::string::npos);
    CHECK(wait_until([&] { return s.message_line_has(kProblemRed); }, 5s));
    CHECK(listing(s.in).empty());
    CHECK(read_status(s.cs)["files_count"] == "0");
    s.screenshots("desk-7-file-refused", "client-6-files-off");
}
