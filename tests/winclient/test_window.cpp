// tether-client.exe in its window (no --headless), under wine on its own
// Xvfb, with the Linux tether-desk (headless) through a real tether-relay.
// The test's hands and eyes are winctl.exe (winctl_windows.cpp): it pastes
// the code, presses the buttons and reads the real widgets' text back;
// xdnd_drop drops a file onto the window as a file manager would. Asserted:
// what the customer reads (status, security code equal to the desk's, the
// consent boxes, the files list's size, progress and "Saved to") and the
// files' SHA-256 on disk.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

#include "screen/png.h"
#include "support/net.h"
#include "support/sha256.h"
#include "winclient_fixture.h"

using namespace wintest;
using test_support::Relay;
using test_support::write_random_file;

namespace {

// "Z:\tmp\x\name": how the Windows side names a file of ours.
std::string windows_path(const std::string& linux_path) {
    std::string p = "Z:" + linux_path;
    for (char& c : p)
        if (c == '/') c = '\\';
    return p;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A short Windows program (`args`: the .exe first) under wine in `prefix`
// on `display`; its stdout and stderr, via files in `dir` (wine's
// long-lived helpers inherit what it was given: a pipe would never end).
int wine(const std::string& prefix, const std::string& display, const Args& args, const std::string& dir,
         std::string& output, int limit_s) {
    test_support::ProcessOptions o;
    o.argv = Args{WINE_RUN} + args;
    o.env = {{"TETHER_WINEPREFIX", prefix}, {"DISPLAY", display}};
    o.stdin_path = "/dev/null";
    o.stdout_path = dir + "/wine.out";
    o.stderr_path = dir + "/wine.err";
    int code = test_support::Process(o).wait(std::chrono::seconds(limit_s));
    output = lf(slurp(o.stdout_path)) + slurp(o.stderr_path);
    return code;
}

// The text of control `name` in a winctl dump ("name\tenabled\ttext" lines).
std::string control_text(const std::string& dump, const std::string& name, bool* enabled = nullptr) {
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(name + "\t", 0) != 0) continue;
        if (enabled) *enabled = line[name.size() + 1] == '1';
        return line.substr(name.size() + 3);
    }
    return "(no " + name + ")";
}

// The files list's row for `file`: its cells (File, Direction, Size,
// Progress, Speed, Saved to); empty if none.
std::vector<std::string> file_row(const std::string& dump, const std::string& file) {
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("files\t1\t" + file + " | ", 0) != 0) continue;
        std::vector<std::string> cells;
        std::string rest = line.substr(8);
        for (std::size_t at; (at = rest.find(" | ")) != std::string::npos; rest = rest.substr(at + 3))
            cells.push_back(rest.substr(0, at));
        cells.push_back(rest);
        return cells;
    }
    return {};
}

// tether-client.exe's window on its own Xvfb, in a wine prefix of its own
// (one window test at a time: ctest RESOURCE_LOCK), and winctl.exe beside it.
struct Window {
    Window(Session& s, const Args& route, const Args& extra = {}, std::string wine_prefix = WINE_PREFIX_WINDOW,
           int screen_w = 1024, int screen_h = 768)
        : x(screen_w, screen_h), session(s), prefix(std::move(wine_prefix)) {
        auto o = exe_options(route + Args{"--status-file", s.client_status, "--download-dir",
                                          "Z:" + s.client_in.path()} + extra,
                             prefix);
        o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), "DISPLAY"), o.unset_env.end());
        o.env["DISPLAY"] = x.name();
        // Files, not pipes: wine's desktop process (explorer.exe) inherits
        // them and outlives the program, so a pipe would never end.
        o.stdout_path = s.dir / "client.out";
        o.stderr_path = s.dir / "client.err";
        s.client = std::make_unique<test_support::Process>(o);
        REQUIRE(wait("status", "Type the code", 120) == 0);  // the window is up (a fresh prefix takes a while)
    }
    // winctl.exe ARGS in the window's prefix and display; its dump on stdout.
    int ctl(const Args& args, int limit_s = 60) {
        return wine(prefix, x.name(), Args{WINCTL_EXE} + args, session.dir.path(), last, limit_s + 60);
    }
    int wait(const std::string& name, const std::string& text, int limit_s) {
        return ctl({"wait", std::to_string(limit_s), name, text}, limit_s);
    }
    std::string dump() {
        ctl({"dump"});
        return last;
    }
    // Waits for the list row of `file` with `progress` ("done"), returns its cells.
    std::vector<std::string> row_when(const std::string& file, const std::string& progress, int limit_s = 180) {
        INFO(last);
        REQUIRE(wait("files", file + " | ", limit_s) == 0);
        for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
             std::chrono::steady_clock::now() < end;) {
            auto cells = file_row(dump(), file);
            if (cells.size() == 6 && cells[3] == progress) return cells;
        }
        FAIL("no row " << file << " with " << progress << " in\n" << last);
        return {};
    }

    Xvfb x;
    Session& session;
    std::string prefix;
    std::string last;  // winctl's last output
};

// Pastes the code as people write it down ("482-913" with blanks around),
// checks the field kept the digits only, clicks Connect.
void paste_code_and_connect(Window& w, const std::string& code) {
    REQUIRE(w.ctl({"set", "code", " " + code.substr(0, 3) + "-" + code.substr(3) + " "}) == 0);
    bool enabled = false;
    CHECK(control_text(w.dump(), "code") == code);
    control_text(w.last, "connect", &enabled);
    CHECK(enabled);
    REQUIRE(w.ctl({"click", "connect"}) == 0);
}

// The window's security code once connected; it must equal the desk's.
void check_same_auth(Window& w, const Session& s) {
    if (!wait_until([&] { return !read_status(s.desk_status)["auth"].empty(); }, 120s)) {
        // Which side stopped where: both status files and the client's stderr.
        INFO("desk status:\n" << slurp(s.desk_status) << "client status:\n" << slurp(s.client_status)
                               << "client stderr:\n" << slurp(s.dir / "client.err") << "window:\n" << w.dump());
        FAIL("the desk showed no security code within 120 s");
    }
    std::string auth = read_status(s.desk_status)["auth"];
    // winctl's own output after it (INFO takes its text when it runs).
    const int waited = w.wait("auth", "Security code " + auth + ": ", 60);
    INFO("winctl:\n" << w.last << "client status:\n" << slurp(s.client_status) << "client stderr:\n"
                      << slurp(s.dir / "client.err"));
    REQUIRE(waited == 0);
    // The security code shows when the handshake ends; "Connected to NAME"
    // when the supporter's hello arrives, a moment later (under load the
    // status still said "Connected, waiting for the supporter...").
    CHECK(w.wait("status", "Connected to ", 60) == 0);
}

struct Box {
    int x = 0, y = 0, w = 0, h = 0;
    bool inside(const Box& o) const { return x >= o.x && y >= o.y && x + w <= o.x + o.w && y + h <= o.y + o.h; }
    bool overlaps(const Box& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

// winctl's layout: "dpi N", "client W H", then "name x y w h" lines.
std::map<std::string, Box> parse_layout(const std::string& text, int& dpi) {
    std::map<std::string, Box> boxes;
    std::istringstream in(text);
    for (std::string name; in >> name;) {
        if (name == "dpi") {
            in >> dpi;
        } else if (name == "client") {
            in >> boxes[name].w >> boxes[name].h;
        } else {
            Box& b = boxes[name];
            in >> b.x >> b.y >> b.w >> b.h;
        }
    }
    return boxes;
}


// Send file... (the dialog) and a drop onto the window (XDND, as from a
// file manager; wine turns it into WM_DROPFILES), both `bytes` long and
// both under way at once; each must reach the desk whole and be listed.
void send_and_drop(Window& w, const Session& s, const Scratch& src, std::uint64_t bytes, int limit_s) {
    write_random_file(src / "chosen.bin", bytes + 5, 2);
    write_random_file(src / "dropped.bin", bytes + 3, 3);
    REQUIRE(w.ctl({"click", "send"}) == 0);
    REQUIRE(w.ctl({"choose", "60", windows_path(src / "chosen.bin")}) == 0);
    CHECK(screentest::run({XDND_DROP_BINARY, "--title", "Tether customer", src / "dropped.bin"},
                          {"DISPLAY=" + w.x.name()}) == 0);
    const std::string size = std::to_string(bytes / MiB) + ".0 MiB";
    for (std::string name : {"chosen.bin", "dropped.bin"}) {
        INFO(name);
        auto sent = w.row_when(name, "done", limit_s);
        CHECK(sent[1] == "to supporter");
        CHECK(sent[2] == size);
        CHECK(sent[5] == "at the supporter: " + name);
        CHECK(test_support::sha256_file(s.desk_in / name) == test_support::sha256_file(src / name));
    }
}

// The desk's --send-file `name` arrived: its row and its SHA-256.
void received(Window& w, const Session& s, const Scratch& src, const std::string& name, const std::string& size,
              int limit_s) {
    auto got = w.row_when(name, "done", limit_s);
    CHECK(got[1] == "from supporter");
    CHECK(got[2] == size);
    CHECK(got[5] == windows_path(s.client_in / name));
    CHECK(test_support::sha256_file(s.client_in / name) == test_support::sha256_file(src / name));
}

// The desk stalls right after showing its code (SIGSTOP): the customer
// connects first and waits, able to give up; then the desk comes back.
void connect_before_the_desk(Window& w, Session& s) {
    s.desk->signal(SIGSTOP);
    paste_code_and_connect(w, s.code());
    std::this_thread::sleep_for(10s);
    std::string waiting = control_text(w.dump(), "status");
    INFO(w.last);
    CHECK((waiting.rfind("Securing the connection", 0) == 0 || waiting.rfind("Waiting for the supporter", 0) == 0));
    bool disconnect = false;
    control_text(w.last, "disconnect", &disconnect);
    CHECK(disconnect);  // the customer can give up while waiting
    s.desk->signal(SIGCONT);
}

// The desk's picture equals the window's display (what the customer sees), or artefacts.
void desk_sees_display(DeskPicture& desk, const Window& w, const std::string& what) {
    desktop::Frame shown;
    bool same = desk.shows_display(w.x.name(), 30s, &shown);
    if (!same) {
        screen::write_png(artefact_dir() + "/winclient-" + what + "-desk.png", desk.picture());
        screen::write_png(artefact_dir() + "/winclient-" + what + "-xvfb.png", shown);
    }
    INFO(what);
    CHECK(same);
}

std::string hex(const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) out += {digits[c >> 4], digits[c & 15]};
    return out;
}

// The whole session through `route` (both sides), in one window: the
// customer connects (`desk_late`: before the desk is there), 50 MiB each
// way (the desk's offer; Send file and a drop at once), then the desk's
// picture equals the display, and the supporter's typing and click reach
// a Windows program only while F11 allows (e2e.wininput.client_input's
// rules). Returns the window's route line.
std::string whole_session(const Args& route, bool desk_late, const std::string& what) {
    Scratch src;
    write_random_file(src / "to-customer.bin", 50 * MiB + 7, 1);
    const int vnc_port = test_support::free_port();
    Session s(route, {"--send-file", src / "to-customer.bin", "--vnc-listen", "127.0.0.1:" + std::to_string(vnc_port)});
    // 1280x800: the probe's window (100,100)-(600,500) and the bar beside ours.
    Window w(s, route, {"--allow-files"}, WINE_PREFIX_WINDOW, 1280, 800);
    auto t0 = std::chrono::steady_clock::now();
    if (desk_late)
        connect_before_the_desk(w, s);
    else
        paste_code_and_connect(w, s.code());
    check_same_auth(w, s);
    const std::string route_line = control_text(w.last, "route");

    auto t1 = std::chrono::steady_clock::now();
    received(w, s, src, "to-customer.bin", "50.0 MiB", 420);
    send_and_drop(w, s, src, 50 * MiB, 420);
    WARN(what << ": 50 MiB from the desk, then 2 x 50 MiB to it (Send file + drop at once): "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() << " s");

    // The frame: what the desk shows is the wine desktop with our window on it.
    DeskPicture desk(vnc_port);
    desk_sees_display(desk, w, what + "-frame");

    // A program the customer works in; it appears at the desk too.
    test_support::Process program(on_display({WININPUT_PROBE_EXE, "idle"}, w.x.name(), w.prefix));
    REQUIRE(!program.wait_for_line(test_support::Process::Stream::out, "^window ready", 90s).empty());
    desk_sees_display(desk, w, what + "-program");
    auto xdo = [&](const Args& args) { REQUIRE(screentest::xdotool(w.x.name(), args) == 0); };
    xdo({"mousemove", "300", "200"});  // over it, so that F11 reaches wine

    // View only: nothing arrives.
    desk.type({'a', 'b'});
    desk.click(450, 300);
    std::this_thread::sleep_for(3s);
    CHECK(program.out().find("text:") == std::string::npos);
    CHECK(program.out().find("click") == std::string::npos);
    xdo({"key", "F11"});
    REQUIRE(wait_status(s.desk_status, "control", "on", 10s));
    CHECK(w.wait("control", "Remote control: on", 30) == 0);

    desk.type({'H', 'i', '!', ' ', 0xe9, 0x20ac});  // shifted symbols, a character no US layout has
    CHECK(!program.wait_for_line(test_support::Process::Stream::out, "^text: " + hex("Hi! \xc3\xa9\xe2\x82\xac") + "\\r?$", 20s)
               .empty());
    desk.click(450, 300);
    CHECK(!program.wait_for_line(test_support::Process::Stream::out, "^click 450 300\\r?$", 10s).empty());
    desk.type({0xffc8, 0xffc9});  // F11, F12 from the desk change nothing
    std::this_thread::sleep_for(2s);
    CHECK(read_status(s.desk_status)["control"] == "on");
    CHECK(read_status(s.desk_status)["files"] == "on");
    desk_sees_display(desk, w, what + "-typed");  // the typed text, at the desk

    xdo({"mousemove", "320", "220"});  // the customer's hand takes control back
    REQUIRE(wait_status(s.desk_status, "control", "off", 10s));
    CHECK(w.wait("control", "Remote control: off", 30) == 0);
    const std::string before = program.out();
    desk.type({'z'});
    desk.click(460, 310);
    std::this_thread::sleep_for(3s);
    CHECK(program.out() == before);  // nothing more arrived

    REQUIRE(w.ctl({"click", "disconnect"}) == 0);
    CHECK(w.wait("status", "Session ended: the customer ended the session", 60) == 0);
    REQUIRE(w.ctl({"close"}) == 0);
    CHECK(s.client->wait(60s) == 0);
    WARN(what << ": the whole session took "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s");
    return route_line;
}

}  // namespace

TEST_CASE("window: paste the code, Connect, the desk's security code, files both ways, Disconnect", "[window]") {
    Relay relay;
    Scratch src;
    write_random_file(src / "to-customer.bin", 50 * MiB + 7, 1);
    Session s(relay_args(relay), {"--send-file", src / "to-customer.bin"});
    Window w(s, relay_args(relay), {"--allow-files"});  // F12 on at the start, so the desk's offer is taken
    paste_code_and_connect(w, s.code());
    check_same_auth(w, s);
    CHECK(control_text(w.last, "route") == "Through the relay localhost:" + std::to_string(relay.port()) + " directly");
    CHECK(control_text(w.last, "control") == "Remote control: off  [F11]");
    CHECK(control_text(w.last, "files-state") == "File transfer: on  [F12]");

    // The desk's file: in the list with its size and where it was saved, whole on disk.
    received(w, s, src, "to-customer.bin", "50.0 MiB", 240);

    // The F12 button: off and on again, and the desk sees both.
    REQUIRE(w.ctl({"click", "files-button"}) == 0);
    CHECK(w.wait("files-state", "File transfer: off  [F12]", 30) == 0);
    CHECK(wait_status(s.desk_status, "files", "off", 30s));
    CHECK(control_text(w.last, "files-button") == "Allow file transfer");
    REQUIRE(w.ctl({"click", "files-button"}) == 0);
    CHECK(w.wait("files-state", "File transfer: on  [F12]", 30) == 0);
    CHECK(wait_status(s.desk_status, "files", "on", 30s));

    // Send file... and a drop, 50 MiB each, at once.
    send_and_drop(w, s, src, 50 * MiB, 240);

    // Disconnect ends the session on both sides; Connect is offered again.
    REQUIRE(w.ctl({"click", "disconnect"}) == 0);
    CHECK(w.wait("status", "Session ended: the customer ended the session", 60) == 0);
    CHECK(wait_until([&] { return read_status(s.desk_status)["auth"].empty(); }, 30s));
    bool connect_enabled = false;
    control_text(w.dump(), "connect", &connect_enabled);
    CHECK(connect_enabled);
    CHECK(control_text(w.last, "auth").empty());
    REQUIRE(w.ctl({"close"}) == 0);
    CHECK(s.client->wait(60s) == 0);
}

TEST_CASE("window: a wrong code says so in the window; Connect waits for 6 to 9 digits", "[window_errors]") {
    Relay relay;
    Session s(relay_args(relay));
    Window w(s, relay_args(relay));
    // Five digits are no code; nine (the relay's long codes) are.
    REQUIRE(w.ctl({"set", "code", "123 45"}) == 0);
    CHECK(w.ctl({"click", "connect"}) == 5);  // disabled
    REQUIRE(w.ctl({"set", "code", "482 913 075"}) == 0);
    bool enabled = false;
    CHECK(control_text(w.dump(), "code") == "482913075");
    control_text(w.last, "connect", &enabled);
    CHECK(enabled);

    std::string wrong = s.code() == "123456" ? "654321" : "123456";
    paste_code_and_connect(w, wrong);
    INFO(w.last);
    CHECK(w.wait("status", "Could not connect: no session has this code", 90) == 0);
    control_text(w.last, "connect", &enabled);
    CHECK(enabled);  // the customer may correct the code and try again
    CHECK(read_status(s.desk_status)["phase"] == "waiting");  // the desk's code still stands

    // The right code after the wrong one, in the same window.
    paste_code_and_connect(w, s.code());
    check_same_auth(w, s);
}

// The join page's link as Windows passes it through the installer's
// `tether` URL protocol (`"tether-client.exe" "%1"`): the window opens with
// the code filled in, and Connect joins that session.
TEST_CASE("window: a tether://join/CODE link fills in the code", "[window_link]") {
    Relay relay;
    Session s(relay_args(relay));
    Window w(s, relay_args(relay), {"tether://join/" + s.code()});
    bool enabled = false;
    CHECK(control_text(w.dump(), "code") == s.code());
    control_text(w.last, "connect", &enabled);
    CHECK(enabled);
    REQUIRE(w.ctl({"click", "connect"}) == 0);
    check_same_auth(w, s);
}

// The desk stalls right after showing its code (SIGSTOP), so the customer
// connects first and waits; the desk comes back and the session starts.
TEST_CASE("window: the customer connects first, the desk arrives late", "[window_late]") {
    Relay relay;
    Session s(relay_args(relay));
    Window w(s, relay_args(relay));
    connect_before_the_desk(w, s);
    check_same_auth(w, s);
}

// The prefix's system DPI at 192 (200%, what Windows' display scale sets):
// the window measures everything twice as large, every control stays inside
// the window and apart from the others. The screenshot is for a person
// (tests' artefacts folder).
TEST_CASE("window: at 200% everything is twice as large and nothing is clipped", "[window_dpi]") {
    Scratch regdir;
    std::string said;
    INFO(said);
    REQUIRE(wine(WINE_PREFIX_DPI, "", {"reg", "add", "HKCU\\Control Panel\\Desktop", "/v", "LogPixels", "/t",
                                       "REG_DWORD", "/d", "192", "/f"},
                 regdir.path(), said, 180) == 0);
    Relay relay;
    Session s(relay_args(relay));
    Window w(s, relay_args(relay), {}, WINE_PREFIX_DPI, 1600, 1200);
    REQUIRE(w.ctl({"set", "code", s.code()}) == 0);  // a full window, for the picture
    REQUIRE(w.ctl({"layout"}) == 0);
    int dpi = 0;
    auto boxes = parse_layout(w.last, dpi);
    INFO(w.last);
    CHECK(dpi == 192);
    Box client = boxes["client"];
    CHECK(client.w >= 2 * 560);  // the minimum width at 100%, doubled
    CHECK(boxes["code"].h >= 2 * 36);
    boxes.erase("client");
    for (auto& [name, box] : boxes) {
        INFO(name);
        CHECK(box.inside(client));
        for (auto& [other, o] : boxes)
            if (other < name) CHECK_FALSE(box.overlaps(o));
    }
    screen::write_png(artefact_dir() + "/winclient-window-200pct.png", grab(w.x.name()));
}

// The supporter clicks Request control in the desk's own window (xdotool on
// the desk's Xvfb); the customer's window shows the question (before it, its
// Allow cannot be pressed). Deny: the desk reads the refusal and control
// stays off on both sides. Asked again, Allow: control on at both ends.
TEST_CASE("window: the supporter's Request control is a prompt; only Allow grants control", "[window_request]") {
    Relay relay;
    Xvfb supporter(1100, 860);
    Session s(relay_args(relay), {}, supporter.name());
    Window w(s, relay_args(relay));
    paste_code_and_connect(w, s.code());
    check_same_auth(w, s);
    bool enabled = true;
    CHECK(control_text(w.dump(), "prompt").empty());
    control_text(w.last, "allow", &enabled);
    CHECK_FALSE(enabled);
    CHECK(w.ctl({"click", "allow"}) == 5);  // no question, no answer

    int dx = 0, dy = 0;
    REQUIRE(wait_until([&] { return screentest::find_window(supporter.name(), "Tether desk", dx, dy); }, 30s));
    const std::string asked = "sees your request: waiting for them to click Allow (or press F11).";
    // Clicked until the customer's side has it: under load a click can land
    // before the desk has drawn (and enabled) its button.
    auto request_control = [&] {
        return wait_until([&] {
            screentest::xdotool(supporter.name(), {"mousemove", std::to_string(dx + 815), std::to_string(dy + 56),
                                                   "click", "1"});
            return wait_until([&] { return read_status(s.client_status)["control_asked"] == "yes"; }, 5s);
        }, 60s);
    };

    REQUIRE(request_control());
    INFO(w.last);
    CHECK(w.wait("prompt", "asks to control your computer. Allow it here, or press F11 at any time.", 30) == 0);
    control_text(w.last, "allow", &enabled);
    CHECK(enabled);
    CHECK(wait_until([&] { return read_status(s.desk_status)["status"].find(asked) != std::string::npos; }, 30s));
    CHECK(read_status(s.client_status)["control"] == "off");  // asking grants nothing
    CHECK(read_status(s.desk_status)["control"] == "off");
    screen::write_png(artefact_dir() + "/winclient-window-control-request.png", grab(w.x.name()));

    REQUIRE(w.ctl({"click", "deny"}) == 0);
    CHECK(wait_status(s.client_status, "control_asked", "no", 30s));
    CHECK(wait_until([&] { return read_status(s.desk_status)["status"].find("declined control") != std::string::npos; },
                     30s));
    CHECK(w.wait("status", "You declined.", 30) == 0);
    CHECK(control_text(w.last, "prompt").empty());
    CHECK(control_text(w.last, "control") == "Remote control: off  [F11]");
    CHECK(read_status(s.desk_status)["control"] == "off");
    CHECK(read_status(s.client_status)["control"] == "off");

    REQUIRE(request_control());
    CHECK(w.wait("prompt", "asks to control your computer", 30) == 0);
    CHECK(read_status(s.desk_status)["control"] == "off");
    REQUIRE(w.ctl({"click", "allow"}) == 0);
    CHECK(wait_status(s.desk_status, "control", "on", 30s));
    CHECK(wait_status(s.client_status, "control", "on", 30s));
    CHECK(w.wait("control", "Remote control: on  [F11]", 30) == 0);
    CHECK(control_text(w.last, "prompt").empty());
    CHECK(read_status(s.client_status)["control_asked"] == "no");
}

// The whole session (whole_session) with both sides through squid CONNECT,
// the desk arriving after the customer pressed Connect.
TEST_CASE("window: through squid CONNECT, the desk late: frame, input under F11, 50 MiB each way", "[window_squid]") {
    Relay relay;
    SquidRoute proxy(relay);
    std::string route_line = whole_session(proxy.route, /*desk_late=*/true, "window-squid");
    CHECK(route_line == "Through " + proxy.sentence);
    // The Windows client's own tunnel crossed squid (the desk's too).
    CHECK(windows_tunnel_logged(proxy.squid, relay.port(), 10s));
}

// The same in forced poll mode through a buffering nginx (both sides).
TEST_CASE("window: in poll mode through a buffering nginx: frame, input under F11, 50 MiB each way", "[window_poll]") {
    Relay relay;
    BufferingNginx proxy(relay);
    Args route = proxy.poll_route();
    whole_session(route, /*desk_late=*/false, "window-poll");
    std::string log = proxy.nginx.access_log();
    CHECK(log.find("/v1/poll/up") != std::string::npos);
    CHECK(log.find("/v1/stream") == std::string::npos);  // forced: no stream-mode request at all
}
