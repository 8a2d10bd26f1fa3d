// Both windows, as a supporter and a customer use them: the desk's window on
// one Xvfb, the customer's window on another (code prefilled, Connect with
// Return, F12 pressed on the customer's display). xdnd_drop plays a file
// manager dropping a file (text/uri-list) onto the customer's screen area of
// the desk window. With F12 on the file arrives intact; with F12 off the
// desk's window shows the refusal in red and nothing is written.
// Then the transfer panel of both windows (issue 16): size, speed and time
// left while a paced transfer runs, Cancel and Retry clicked in the desk
// window, the red failure gone after the retry, "saved to" and Open folder
// (a stand-in xdg-open records what it was asked to show) on the customer's.
// Screenshots go to the screen tests' artefacts folder.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>

#include "files_fixture.h"
#include "screen/png.h"
#include "support/sha256.h"

using namespace filestest;
using test_support::sha256_file;
using test_support::write_random_file;

namespace {

constexpr int kClientCodeX = 210, kClientCodeY = 37;  // the code field (client/client_window.cpp)
constexpr int kDeskW = 1024, kDeskH = 768, kMessageLine = 36;  // desk/desk_window.cpp, TransferPanel::kMessage
// Buttons of the transfer panel (desk/transfer_panel.cpp: 110 px wide, 6 px
// apart, in a 30 px row above the 36 px message): centres, window-relative.
constexpr int kDeskButtonsY = kDeskH - 36 - 15, kCancelX = 59, kRetryX = 175, kOpenX = 291;
constexpr int kClientButtonsY = 306 + 240 - 36 - 15;  // the customer's panel: (20, 306, 400, 240)
constexpr std::uint32_t kProblemRed = 0xB00020;

struct Session {
    Xvfb customer{800, 600}, supporter{1100, 860};
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    Scratch in_dir, desk_dir, src;
    std::string in = in_dir.path();  // the customer's download folder
    std::unique_ptr<Process> desk, client;
    int dx = 0, dy = 0;  // desk window on the supporter's screen

    // Desk window started; customer window connected by its user.
    explicit Session(std::vector<std::string> desk_extra = {}, std::vector<std::string> client_env = {}) {
        std::string addr = "127.0.0.1:" + std::to_string(free_port());
        std::vector<std::string> desk_argv{desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds,
                                           "--download-dir", desk_dir.path()};
        desk_argv.insert(desk_argv.end(), desk_extra.begin(), desk_extra.end());
        desk = std::make_unique<Process>(desk_argv, std::vector<std::string>{"DISPLAY=" + supporter.name()});
        client_env.push_back("DISPLAY=" + customer.name());
        REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
        client = std::make_unique<Process>(
            std::vector<std::string>{client_binary(), "--code", read_status(ds)["code"], "--direct-connect", addr,
                                     "--status-file", cs, "--download-dir", in},
            client_env);
        REQUIRE(wait_until([&] { return find_window(customer.name(), "Tether customer", cx, cy); }));
        REQUIRE(xdotool(customer.name(), {"mousemove", std::to_string(cx + kClientCodeX),
                                          std::to_string(cy + kClientCodeY), "click", "1"}) == 0);
        REQUIRE(xdotool(customer.name(), {"key", "Return"}) == 0);
        REQUIRE(wait_status(ds, "phase", "connected"));
        // The customer's screen is shown (for the screenshots; the drop does not need it).
        REQUIRE(wait_until([&] { return std::atoi(read_status(ds)["frames"].c_str()) >= 1; }));
        REQUIRE(wait_until([&] { return find_window(supporter.name(), "Tether desk", dx, dy); }));
    }
    int cx = 0, cy = 0;  // the customer's window on their screen

    // Clicks (window-relative) until `taken` holds: a click can miss while a
    // loaded machine has not drawn the button's new state yet.
    bool click_until(const std::string& display, int wx, int wy, int x, int y, const std::function<bool()>& taken) {
        for (int i = 0; i < 5; ++i) {
            if (xdotool(display, {"mousemove", std::to_string(wx + x), std::to_string(wy + y), "click", "1"}) != 0)
                return false;
            if (wait_until(taken, 3s)) return true;
        }
        return false;
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
    // The customer is told what they missed (issue 16: refusals were silent there).
    REQUIRE(wait_state(s.cs, 1, "failed"));
    CHECK(field(s.cs, 1, "line") == "from supporter   setup.exe   not accepted: file transfer is off on this computer "
                                    "(F12). Press F12, then ask for the file again.");
    s.screenshots("desk-7-file-refused", "client-6-files-off");
}

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the transfer panels: size, speed, time left; Cancel and Retry in the desk window; saved to and Open folder") {
    Scratch fake;  // an xdg-open that writes down the folder it was asked to open
    std::string opened = fake / "opened.txt";
    {
        std::ofstream script(fake / "xdg-open");
        script << "#!/bin/sh\nprintf '%s' \"$1\" > '" << opened << "'\n";
    }
    REQUIRE(::chmod((fake / "xdg-open").c_str(), 0755) == 0);
    // 2 MiB/s: 24 MiB take ~12 s, time to read the line and click Cancel.
    Session s({"--file-rate-limit", "2048"}, {"PATH=" + fake.path() + ":" + std::getenv("PATH")});
    REQUIRE(xdotool(s.customer.name(), {"key", "F12"}) == 0);
    REQUIRE(wait_status(s.ds, "files", "on"));
    std::string file = s.src / "big.bin";
    write_random_file(file, 24 * MiB, 9);
    REQUIRE(s.drop(file) == 0);

    // Both lists show size, speed and time left while it runs.
    auto measured = [](const std::string& line) { return has(line, "of 25 MB, ") && has(line, "MB/s, ") && has(line, " left"); };
    REQUIRE(wait_until([&] { return measured(field(s.ds, 1, "line")); }, 30s));
    CHECK(has(field(s.ds, 1, "line"), "to customer   big.bin   "));
    CHECK(wait_until([&] { return measured(field(s.cs, 1, "line")); }, 10s));
    CHECK(has(field(s.cs, 1, "line"), "from supporter   big.bin   "));
    s.screenshots("desk-10-transfer-running", "client-7-transfer-running");

    // Cancel: both sides say so; the desk shows it in red.
    REQUIRE(s.click_until(s.supporter.name(), s.dx, s.dy, kCancelX, kDeskButtonsY,
                          [&] { return field(s.ds, 1, "state") == "failed"; }));
    CHECK(has(field(s.ds, 1, "line"), "failed: you cancelled it"));
    CHECK(wait_until([&] { return has(field(s.cs, 1, "line"), "failed: the sender cancelled the transfer"); }, 10s));
    CHECK(wait_until([&] { return s.message_line_has(kProblemRed); }, 5s));
    CHECK(only_partials(s.in));

    // Retry: the same row runs again and ends done; the red line goes.
    REQUIRE(s.click_until(s.supporter.name(), s.dx, s.dy, kRetryX, kDeskButtonsY,
                          [&] { return field(s.ds, 1, "state") != "failed"; }));
    REQUIRE(wait_state(s.ds, 1, "done", 60s));
    CHECK(read_status(s.ds)["files_count"] == "1");
    CHECK(read_status(s.ds)["files_message"].empty());
    CHECK(wait_until([&] { return !s.message_line_has(kProblemRed); }, 5s));
    REQUIRE(wait_state(s.cs, 2, "done"));
    CHECK(sha256_file(s.in + "/big.bin") == sha256_file(file));
    CHECK(field(s.cs, 2, "line") == "from supporter   big.bin   done: saved to " + s.in + "/big.bin");
    CHECK(read_status(s.cs)["files_message"].empty());  // the customer's failure is cleared by the success too

    // Open folder on the customer's window shows the download folder.
    REQUIRE(s.click_until(s.customer.name(), s.cx, s.cy, kOpenX + 20, kClientButtonsY,
                          [&] { return file_size(opened) > 0; }));
    std::ifstream got(opened);
    std::string folder((std::istreambuf_iterator<char>(got)), std::istreambuf_iterator<char>());
    CHECK(folder == s.in);
    s.screenshots("desk-11-transfer-retried", "client-8-transfer-saved");
}
