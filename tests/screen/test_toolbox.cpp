// The supporter's toolbox (issue 19, items 1, 5, 6), with the real programs:
// chat between two windows and between two headless programs through a
// real relay on 127.0.0.1 (the customer arriving late), the 4 KiB limit,
// the desk's session record of a scripted session, and a screen recording
// replayed to the live session's last frame. One ctest entry per case.
// Widget text is read from the --status-file each window keeps in step
// with what it shows (as in test_gui.cpp); headless chat from stdout.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "files/sha256.h"
#include "programs.h"
#include "screen/png.h"
#include "screen/recording.h"
#include "support/relay_fixture.h"

using namespace screentest;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A headless program whose stdin is a FIFO the test writes lines into, and
// whose stdout and stderr go to files.
struct Piped {
    Piped(const std::string& dir, const std::string& name, const std::vector<std::string>& argv)
        : in(dir + "/" + name + ".in"), out(dir + "/" + name + ".out"), err(dir + "/" + name + ".err") {
        REQUIRE(mkfifo(in.c_str(), 0600) == 0);
        fd = ::open(in.c_str(), O_RDWR);  // held open: the program's stdin never ends by itself
        REQUIRE(fd >= 0);
        std::string cmd = "exec";
        for (const auto& a : argv) cmd += " '" + a + "'";
        cmd += " <'" + in + "' >'" + out + "' 2>'" + err + "'";
        proc = std::make_unique<Process>(std::vector<std::string>{"/bin/sh", "-c", cmd});
    }
    ~Piped() {
        proc.reset();
        ::close(fd);
    }
    void say(const std::string& line) {
        std::string l = line + "\n";
        REQUIRE(::write(fd, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
    }
    std::string stdout_text() const { return slurp(out); }
    std::string stderr_text() const { return slurp(err); }
    bool printed(const std::string& part, std::chrono::milliseconds limit = 20s) const {
        return wait_until([&] { return contains(stdout_text(), part); }, limit);
    }
    // SIGTERM: the program ends its session cleanly (bye) and exits.
    int terminate() {
        ::kill(proc->pid(), SIGTERM);
        return proc->wait(15s);
    }

    std::string in, out, err;
    int fd = -1;
    std::unique_ptr<Process> proc;
};

const std::string kTooLong =
    "Not sent: the message is 5120 bytes; a chat message can have at most 4096 bytes (4 KiB). Send longer text as a file.";

// Widget positions (desk/desk_window.cpp, client/client_window.cpp, desk/chat_pane.cpp).
constexpr Spot kClientChat{286, 289}, kClientChatInput{220, 484};
constexpr Spot kDeskChat{855, 24}, kDeskChatInput{864, 706};

}  // namespace

TEST_CASE("headless chat through a relay, the customer late; 5 KiB refused; the relay logs none of it and "
          "counts the session's duration", "[toolbox_chat_headless]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 3));
    test_support::Relay relay;
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    std::vector<std::string> route = {"--relay", relay.url(), "--ca", relay.ca_file()};
    std::vector<std::string> d = {desk_binary(), "--headless", "--chat", "--status-file", ds, "--no-session-record"};
    d.insert(d.end(), route.begin(), route.end());
    Piped desk(dir, "desk", d);
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 20s));
    std::string code = read_status(ds)["code"];

    desk.say("Grüße vom Support ✓");  // typed before the customer is there: waits for them
    std::this_thread::sleep_for(3s);
    CHECK(read_status(ds)["chat_count"] == "0");
    std::vector<std::string> c = {client_binary(), "--headless", "--chat", "--display", x.name(), "--code", code,
                                  "--status-file", cs, "--name", "Alice"};
    c.insert(c.end(), route.begin(), route.end());
    Piped client(dir, "client", c);

    REQUIRE(client.printed("] Supporter: Grüße vom Support ✓\n", 30s));
    CHECK(desk.printed("] Supporter: Grüße vom Support ✓\n"));  // the desk's own line, as its pane shows it
    client.say("Hallo zurück, 你好");
    REQUIRE(desk.printed("] Alice: Hallo zurück, 你好\n"));
    CHECK(client.printed("] Alice: Hallo zurück, 你好\n"));
    CHECK(ends_with(read_status(ds)["chat.1"], "] Supporter: Grüße vom Support ✓"));
    CHECK(ends_with(read_status(ds)["chat.2"], "] Alice: Hallo zurück, 你好"));
    CHECK(wait_status(cs, "chat_count", "2"));
    CHECK(ends_with(read_status(cs)["chat.2"], "] Alice: Hallo zurück, 你好"));

    desk.say(std::string(5120, 'x'));
    CHECK(wait_status(ds, "chat_error", kTooLong));
    CHECK(wait_until([&] { return contains(desk.stderr_text(), "tether-desk: " + kTooLong); }));
    client.say("still here");  // the session goes on after a refusal
    REQUIRE(desk.printed("] Alice: still here\n"));
    CHECK(!contains(client.stdout_text(), "xxxx"));
    CHECK(read_status(ds)["chat_error"].empty());  // a message that went clears it

    std::this_thread::sleep_for(1s);  // a session of a few seconds for the histogram
    CHECK(client.terminate() == 0);
    CHECK(desk.proc->wait(15s) == 0);  // a headless desk ends with its session

    std::string metrics = dir + "/metrics.txt";
    REQUIRE(run({"curl", "-s", "--cacert", relay.ca_file(), "-o", metrics, relay.url() + "metrics"}) == 0);
    std::string m = slurp(metrics);
    INFO(m);
    CHECK(contains(m, "\ntether_relay_session_duration_seconds_count 1\n"));
    CHECK(contains(m, "\ntether_relay_session_duration_seconds_bucket{le=\"+Inf\"} 1\n"));
    CHECK(contains(m, "\ntether_relay_session_duration_seconds_bucket{le=\"1800\"} 1\n"));
    std::string log = relay.log();
    CHECK(!contains(log, code));
    CHECK(!contains(log, "Grüße"));
    CHECK(!contains(log, "Hallo"));
}

TEST_CASE("chat between the two windows: typed in one, shown in the other, unread marked; 5 KiB refused in the pane",
          "[toolbox_chat_windows]") {
    Xvfb customer(800, 600), supporter(1100, 860);
    paint(customer.name(), make_pattern(800, 600, 5));
    WindowPair p(customer.name(), supporter.name(), 0ms, {"--no-session-record"});
    std::string dir = p.dir, ds = p.desk_status, cs = p.client_status;
    Win &dw = p.dw, &cw = p.cw;
    CHECK(read_status(cs)["control"] == "off");  // view only: chat needs no consent

    dw.click(kDeskChat);  // the pane opens with its field focused
    std::this_thread::sleep_for(500ms);
    dw.click(kDeskChatInput);
    dw.type("Hello Alice, can you see my note?");
    REQUIRE(wait_status(cs, "chat_count", "1"));
    CHECK(ends_with(read_status(cs)["chat.1"], "] Supporter: Hello Alice, can you see my note?"));
    // The desk's status file is rewritten on its own thread: waited for, as hers was.
    CHECK(wait_until([&] { return ends_with(read_status(ds)["chat.1"], "] Supporter: Hello Alice, can you see my note?"); }));
    CHECK(wait_status(cs, "chat_unread", "1"));  // her pane is closed: "Chat (1)"
    screenshot(customer.name(), "toolbox-client-unread");

    cw.click(kClientChat);  // opens her pane: read
    CHECK(wait_status(cs, "chat_unread", "0"));
    std::this_thread::sleep_for(500ms);
    cw.click(kClientChatInput);
    cw.type("Yes, I see it");
    screenshot(customer.name(), "toolbox-client-typed");
    REQUIRE(wait_status(ds, "chat_count", "2"));
    CHECK(ends_with(read_status(ds)["chat.2"], "] Alice: Yes, I see it"));
    CHECK(ends_with(read_status(cs)["chat.2"], "] Alice: Yes, I see it"));
    CHECK(wait_status(ds, "chat_unread", "0"));  // the supporter's pane is open: read once drawn
    screenshot(customer.name(), "toolbox-client-chat");
    screenshot(supporter.name(), "toolbox-desk-chat");

    // 5 KiB pasted into the desk's field: refused, said under the field, nothing sent.
    std::string big = dir + "/big.txt";
    std::ofstream(big) << std::string(5120, 'y');
    // Several pastes: the desk's own clipboard watcher (issue 19) reads a new
    // selection once before the field's Ctrl+V does; xclip ends with Xvfb.
    REQUIRE(run({"xclip", "-d", supporter.name(), "-selection", "clipboard", "-loops", "5", "-i", big}) == 0);
    dw.click(kDeskChatInput);
    REQUIRE(xdotool(supporter.name(), {"key", "ctrl+v"}) == 0);
    std::this_thread::sleep_for(500ms);
    REQUIRE(xdotool(supporter.name(), {"key", "Return"}) == 0);
    CHECK(wait_status(ds, "chat_error", kTooLong));
    CHECK(read_status(cs)["chat_count"] == "2");
    screenshot(supporter.name(), "toolbox-desk-refused");
}

namespace {

// The record's events without their times ("t", and a chat's "sent").
std::vector<std::string> events_of(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
        auto j = nlohmann::json::parse(line);
        CHECK(j.contains("t"));
        j.erase("t");
        if (j["event"] == "chat") {
            CHECK(j.contains("sent"));
            j.erase("sent");
        }
        out.push_back(j.dump());
    }
    return out;
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    return out;
}

}  // namespace

TEST_CASE("the desk's session record holds exactly the events of a scripted session", "[toolbox_record]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 4));
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    std::string records = dir + "/records", report = dir + "/report.txt", downloads = dir + "/downloads";
    std::ofstream(report) << "The printer says PC LOAD LETTER.\n";
    std::string sha = files::sha256_file_hex(report);
    std::string addr = "127.0.0.1:" + std::to_string(free_port());
    Piped desk(dir, "desk", {desk_binary(), "--headless", "--chat", "--direct-listen", addr, "--status-file", ds,
                             "--record-dir", records, "--send-file", report});
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
    Piped client(dir, "client", {client_binary(), "--headless", "--chat", "--display", x.name(), "--code",
                                 read_status(ds)["code"], "--direct-connect", addr, "--status-file", cs, "--name",
                                 "Alice", "--allow-files", "--download-dir", downloads});
    // One step at a time, each waited for: the record's order is the script's.
    REQUIRE(wait_status(ds, "file.1.state", "done", 20s));
    std::this_thread::sleep_for(1s);  // the record hashes the file on its own thread
    desk.say("Bonjour Alice ✓");
    REQUIRE(client.printed("] Supporter: Bonjour Alice ✓\n"));
    client.say("Merci");
    REQUIRE(desk.printed("] Alice: Merci\n"));
    std::string record = read_status(ds)["record"];
    CHECK(client.terminate() == 0);
    CHECK(desk.proc->wait(15s) == 0);

    auto found = files_in(records);
    REQUIRE(found.size() == 1);
    CHECK(found[0] == record);
    struct stat st;
    REQUIRE(stat(found[0].c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::vector<std::string> expected = {
        R"j({"event":"start","proxy":"","relay":"","role":"desk","route":"direct test link (no relay, no encryption)","transport":""})j",
        R"j({"event":"peer","name":"Alice"})j",
        R"j({"control":false,"event":"consent","files":true})j",
        R"j({"direction":"sent","event":"file","name":"report.txt","sha256":")j" + sha +
            R"j(","size":33,"state":"done"})j",
        R"j({"direction":"sent","event":"chat","from":"Supporter","text":"Bonjour Alice ✓"})j",
        R"j({"direction":"received","event":"chat","from":"Alice","text":"Merci"})j",
        R"j({"event":"end","reason":"the customer ended the session"})j",
    };
    CHECK(events_of(found[0]) == expected);

    // The customer's own record (shown by "What happened?"), as sentences.
    auto cst = read_status(cs);
    std::string all;
    for (int i = 1; i <= std::stoi(cst["record_count"]); ++i) all += cst["record." + std::to_string(i)] + "\n";
    INFO(all);
    CHECK(contains(all, "Connected to Supporter\n"));
    CHECK(contains(all, "Remote control off, file transfer on\n"));
    CHECK(contains(all, "File received: report.txt (33 bytes, done, SHA-256 " + sha + ")\n"));
    CHECK(contains(all, "Chat, Supporter: Bonjour Alice ✓\n"));
    CHECK(contains(all, "Chat, Alice: Merci\n"));
}

namespace {

// The desk's view of the customer's screen (800x600 at 1:1, under the bar).
desktop::Frame desk_view(const std::string& display, const Win& w) {
    desktop::Frame all = grab(display), v;
    v.width = 800;
    v.height = 600;
    v.pixels.resize(800 * 600);
    for (int y = 0; y < 600; ++y)
        for (int x = 0; x < 800; ++x) v.pixels[y * 800 + x] = all.at(w.x + x, w.y + kDeskBar + y);
    return v;
}

// `tether-desk --play FILE` on a display: its exit code and stderr.
std::pair<int, std::string> play_fails(const std::string& display, const std::string& file) {
    std::string err = file + ".err";
    int rc = run({"/bin/sh", "-c", "exec '" + desk_binary() + "' --play '" + file + "' 2>'" + err + "'"},
                 {"DISPLAY=" + display}, 20s);
    return {rc, slurp(err)};
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// `view` is `screen` at 1:1, but for the pointer drawn at (400, 300).
bool shows(const desktop::Frame& view, const desktop::Frame& screen) {
    for (int y = 0; y < 600; ++y)
        for (int x = 0; x < 800; ++x)
            if ((std::abs(x - 400) > 20 || std::abs(y - 300) > 20) && view.at(x, y) != screen.at(x, y)) return false;
    return true;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("a recording made with --record replays in the desk window to the live desk's last view, pointer "
          "included, at real speed; a cut or damaged file is refused",
          "[toolbox_recording]") {
    Xvfb customer(800, 600), supporter(1100, 860);
    paint(customer.name(), make_pattern(800, 600, 1));
    REQUIRE(xdotool(customer.name(), {"mousemove", "400", "300"}) == 0);
    const desktop::Frame initial = grab(customer.name());  // her screen before the changes (no pointer in it)
    std::string dir = temp_dir(), rec = dir + "/session.rfbrec", ds = dir + "/desk.status";
    std::string addr = "127.0.0.1:" + std::to_string(free_port());
    desktop::Frame live_view;
    double live_gap = 0;  // s between the two changes in the live desk window
    {
        Process desk({desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds, "--record", rec,
                      "--no-session-record"},
                     {"DISPLAY=" + supporter.name()});
        Win dw{supporter.name(), "Tether desk"};
        dw.locate();
        REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
        Process client({client_binary(), "--headless", "--display", customer.name(), "--code",
                        read_status(ds)["code"], "--direct-connect", addr});
        REQUIRE(wait_until([&] { return std::stoi("0" + read_status(ds)["frames"]) >= 1; }, 20s));
        dw.click(kDeskScale);  // 1:1: every pixel as it came
        REQUIRE(wait_until([&] { return shows(desk_view(supporter.name(), dw), initial); }, 20s));
        std::this_thread::sleep_for(2s);  // the replay's 1:1 click must come before the first change
        Painter p(customer.name());  // the screen and the pointer change during the session
        p.fill(100, 100, 300, 200, 0x3366CC);
        REQUIRE(wait_until([&] { return desk_view(supporter.name(), dw).at(250, 150) == 0x3366CC; }, 20s));
        auto live_blue = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(3s);  // the replay must wait as long between the two
        p.fill(350, 250, 300, 250, 0xCC3300);
        REQUIRE(xdotool(customer.name(), {"mousemove", "600", "150"}) == 0);
        REQUIRE(wait_until([&] { return desk_view(supporter.name(), dw).at(500, 400) == 0xCC3300; }, 20s));
        live_gap = seconds_since(live_blue);  // as the live desk showed them
        std::this_thread::sleep_for(2500ms);  // the pointer delivered to the desk (and recorded)
        live_view = desk_view(supporter.name(), dw);  // the live desk's last view
        screen::write_png(artefact_dir() + "/toolbox-live-view.png", live_view);
        ::kill(client.pid(), SIGTERM);
        CHECK(client.wait(15s) == 0);
        CHECK(wait_status(ds, "phase", "ended", 15s));
    }
    // The live view showed her screen and, over it, her pointer where it
    // went last: the pointer is part of what the replay must reproduce.
    desktop::Frame screen_now = grab(customer.name());
    long outside = 0, inside = 0;
    for (int y = 0; y < 600; ++y)
        for (int x = 0; x < 800; ++x) {
            bool near = std::abs(x - 600) <= 20 && std::abs(y - 150) <= 20;
            if (live_view.at(x, y) != screen_now.at(x, y)) ++(near ? inside : outside);
        }
    CHECK(outside == 0);
    CHECK(inside > 20);
    struct stat st;
    REQUIRE(stat(rec.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(slurp(rec).compare(0, 17, "TETHER-RFB-REC 2\n") == 0);
    auto summary = screen::check_recording(rec);
    INFO("recorded: " << summary.records << " records, last at " << summary.last_ms << " ms");
    CHECK(summary.last_ms >= 4000);  // the two paints and the pointer, 3.5 s apart at least

    auto start = std::chrono::steady_clock::now();
    std::string ps = dir + "/play.status";
    Process play({desk_binary(), "--play", rec, "--status-file", ps}, {"DISPLAY=" + supporter.name()});
    Win dw{supporter.name(), "Tether desk"};
    dw.locate();
    REQUIRE(wait_until([&] { return std::stoi("0" + read_status(ps)["frames"]) >= 1; }, 20s));
    dw.click(kDeskScale);
    REQUIRE(wait_until([&] { return shows(desk_view(supporter.name(), dw), initial); }, 20s));  // before the changes
    // The two changes, timed as in the live window, then the whole last view.
    REQUIRE(wait_until([&] { return desk_view(supporter.name(), dw).at(250, 150) == 0x3366CC; }, 20s));
    double blue_at = seconds_since(start);
    REQUIRE(wait_until([&] { return desk_view(supporter.name(), dw).at(500, 400) == 0xCC3300; }, 20s));
    double red_at = seconds_since(start), final_at = -1;
    long diff = -1;
    CHECK(wait_until([&] {
        diff = count_diff(desk_view(supporter.name(), dw), live_view);
        return diff == 0;
    }, 30s));
    final_at = seconds_since(start);
    INFO("pixels that differ: " << diff << "; blue at " << blue_at << " s, red at " << red_at << " s, final at "
                                 << final_at << " s; live: " << live_gap << " s between them");
    CHECK(diff == 0);
    screenshot(supporter.name(), "toolbox-replayed");
    // Real speed: as long between the two changes as the live window showed
    // them (about 3 s; loosely, for a loaded machine), and the whole replay
    // no shorter than the recording.
    CHECK(live_gap >= 2.9);
    CHECK(std::abs((red_at - blue_at) - live_gap) <= 1.0);
    REQUIRE(wait_until([&] { return contains(read_status(ps)["status"], "Replay finished: "); }, 30s));
    double finished_at = seconds_since(start);
    INFO("finished at " << finished_at << " s: " << read_status(ps)["status"]);
    CHECK(finished_at >= summary.last_ms / 1000.0);
    CHECK(finished_at <= summary.last_ms / 1000.0 + 15);
    CHECK(count_diff(desk_view(supporter.name(), dw), live_view) == 0);  // the last view stays

    // A file cut off, or with one byte changed, or not a recording at all:
    // a sentence naming the file and what is wrong, exit 1, no window.
    std::string whole = slurp(rec);
    std::string cut = dir + "/cut.rfbrec", flipped = dir + "/flipped.rfbrec";
    write_file(cut, whole.substr(0, whole.size() - 3));  // inside the last record (16 + at least 1 bytes)
    std::string f = whole;
    f[17 + 16 + 2] ^= 0x20;  // in the first record's bytes (the server's "RFB 003.008")
    write_file(flipped, f);
    struct Bad {
        std::string file, says;
    };
    std::string other = dir + "/other.rfbrec", empty = dir + "/empty.rfbrec", huge = dir + "/huge.rfbrec";
    std::string text = dir + "/notes.txt";
    write_file(other, "TETHER-RFB-REC 1\n" + whole.substr(17));
    write_file(empty, "TETHER-RFB-REC 2\n");
    write_file(huge, "TETHER-RFB-REC 2\n" + std::string(8, '\0') + std::string("\xff\xff\xff\xff", 4) +
                         std::string(4, '\0') + "x");
    write_file(text, "shopping list\n");
    for (const Bad& b : std::vector<Bad>{
             {cut, "tether-desk: the recording " + cut + " is cut off in record "},
             {flipped, "tether-desk: the recording " + flipped +
                           " is damaged at record 1 (byte 17): its bytes do not match their checksum"},
             {other, "tether-desk: " + other + " is a screen recording of another version (1)"},
             {empty, "tether-desk: the recording " + empty + " is empty"},
             {huge, "tether-desk: the recording " + huge + " is damaged at record 1 (byte 17): its length 4294967295"},
             {text, "tether-desk: " + text + " is not a Tether screen recording"},
             {dir + "/missing.rfbrec", "tether-desk: cannot open the recording " + dir + "/missing.rfbrec"}}) {
        auto [rc, err] = play_fails(supporter.name(), b.file);
        INFO(b.file << ": " << err);
        CHECK(rc == 1);
        CHECK(contains(err, b.says));
        CHECK(contains(err, "cannot be played") == (b.file == cut || b.file == flipped || b.file == huge));
    }
}
