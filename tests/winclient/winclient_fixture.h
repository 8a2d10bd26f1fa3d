// The Linux tether-desk (headless) and tether-client.exe (headless, under
// wine: cmake/wine-run.sh, this build's prefix) against a real tether-relay,
// for the e2e.winclient.* tests. Both write --status-file; the desk offers
// and receives files like in tests/files_e2e. The relay is named
// `localhost` (see tests/winnet/test_winnet.cpp for why).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "desktop/platform.h"
#include "files_fixture.h"
#include "screen/vnc_viewer.h"
#include "support/nginx.h"
#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/squid.h"
#include "support/temp_dir.h"

namespace wintest {

using namespace filestest;
using Args = std::vector<std::string>;

Args operator+(Args a, const Args& b);

// tether-client.exe (this build's, or `exe`) with `args` under wine in
// `prefix`, no proxy (nor proxy.conf) from our environment.
test_support::ProcessOptions exe_options(const Args& args, const std::string& prefix = WINE_PREFIX,
                                         const std::string& exe = WINCLIENT_EXE);
// A Windows program (`argv` starts with the .exe) under wine in `prefix`
// on the X display `display`: the screen tests' client and windows.
test_support::ProcessOptions on_display(const Args& argv, const std::string& display, const std::string& prefix);
// The Linux tether-client, for comparing sentences.
test_support::ProcessOptions linux_client_options(const Args& args);

// A Windows program's console text with its CRLF line ends as LF.
std::string lf(const std::string& text);

// "--relay https://localhost:P/ --ca CA": how both sides reach `relay`.
Args relay_args(const test_support::Relay& relay);

// squid for the tests that go through it: `localhost` (the relay's name
// here) resolved to 127.0.0.1, the User-Agent in its access log.
test_support::SquidOptions squid_options();

// The squid set-up (e2e.winclient.squid_late, .window_squid): squid in
// front of `relay`, named by --proxy, the route both sides take.
struct SquidRoute {
    explicit SquidRoute(const test_support::Relay& relay);
    test_support::Squid squid;
    Args route;  // relay_args(relay) + --proxy squid
    // The client's route for it ("the relay localhost:P through http proxy
    // 127.0.0.1:Q (from command line --proxy)"): status file `route`, the
    // window's "Through " line.
    std::string sentence;
};

// True once squid's log shows a tunnel to the relay at `relay_port`
// opened by the Windows client (its User-Agent); a tunnel is logged when
// it closes. False after `limit`.
bool windows_tunnel_logged(test_support::Squid& squid, int relay_port, std::chrono::milliseconds limit);

// nginx's certificate for `localhost`: made as the relay makes its --dev
// one (self-signed, so it is its own --ca; an ECDSA signature wine can
// check, relay/src/dev_cert.cpp).
struct NginxCert {
    NginxCert();  // throws with a sentence if it cannot be made
    test_support::TempDir dir{"tether-nginx-cert"};
    std::string cert, key;
};

// The forced poll mode set-up (e2e.winclient.poll_nginx, .window_poll): a
// buffering nginx (its defaults, no body size limit) with its own
// certificate in front of `relay`, and the route through it.
struct BufferingNginx {
    explicit BufferingNginx(const test_support::Relay& relay);
    NginxCert cert;  // before nginx, which presents it
    test_support::Nginx nginx;
    // --relay https://localhost:P/ --ca CERT --transport poll
    Args poll_route() const;
};

// A headless desk with its status file and download folder, and a Windows
// client joining its code.
class Session {
public:
    // Starts the desk (`desk_route`: how it reaches the relay; `desk_extra`:
    // e.g. --send-file) and waits for its code (throws after 30 s). With
    // `desk_display` the desk shows its window there (a session started at
    // once: --start) instead of running headless.
    Session(const Args& desk_route, const Args& desk_extra = {}, const std::string& desk_display = "");
    // Starts tether-client.exe with the desk's code, --allow-files, its own
    // status file and download folder (a Z: path, as a Windows user's would
    // be), plus `route` and `extra`.
    void start_client(const Args& route, const Args& extra = {});
    // The same with the Linux tether-client serving `display` (bench/winclient).
    void start_linux_client(const std::string& display, const Args& route, const Args& extra = {});
    std::string code() const;
    // Types the desk's code into the client started with code_on_stdin.
    void give_code();
    // The supporter quits (SIGTERM, as Ctrl+C): the desk's exit code once it
    // ended by itself, or -1 if it was still running after `limit` (then
    // killed). Not Process's destructor, which sends SIGKILL 2 s after
    // SIGTERM: under load the desk's clean end (bye, up to kByeGrace for the
    // customer's answer, then the relay told) takes longer, and a desk killed
    // before the relay knows leaves the customer waiting out the relay's
    // grace period (60 s) for it to come back.
    int end_desk(std::chrono::seconds limit = std::chrono::seconds(60));

    // Start the client with `--code -` and stdin a pipe: the code comes
    // later, through give_code(), as a customer types it into a program
    // that is already up (bench/winclient).
    bool code_on_stdin = false;

    Scratch dir, desk_in, client_in;
    // The client's wine prefix: WINE_PREFIX_IE for Internet Options of its own.
    std::string wine_prefix = WINE_PREFIX;
    std::string exe = WINCLIENT_EXE;  // or a copy, an installed one
    std::string desk_status = dir / "desk.status", client_status = dir / "client.status";
    std::unique_ptr<test_support::Process> desk, client;
};

// The desk's picture as a VNC viewer of its --vnc-listen 127.0.0.1:`port`
// sees it (screen::Viewer over TCP): what the supporter sees, exactly.
class DeskPicture {
public:
    explicit DeskPicture(int port);  // throws if nothing listens within 30 s
    ~DeskPicture();
    // Waits until the picture equals `want` pixel for pixel; false after `limit`.
    bool shows(const desktop::Frame& want, std::chrono::milliseconds limit);
    // Waits until the pixel at (x, y) is `rgb` (0x00RRGGBB); false after `limit`.
    bool pixel_is(int x, int y, std::uint32_t rgb, std::chrono::milliseconds limit);
    desktop::Frame picture() const { return viewer_.snapshot(); }
    // Waits until the picture equals the display `display` as it is now
    // (an XGetImage each try, so a blinking caret or a live files list only
    // delays the match); false after `limit`, the last grab in `last`.
    bool shows_display(const std::string& display, std::chrono::milliseconds limit, desktop::Frame* last = nullptr);

    // The supporter's hands, as the desk's window forwards them: keysyms
    // as a US keyboard sends them (Shift held for 'A'-'Z' and the shifted
    // ASCII symbols), a left click at (x, y) of the customer's screen.
    void type(const std::vector<std::uint32_t>& keysyms);
    void click(int x, int y);

private:
    screen::Viewer viewer_;
    std::unique_ptr<session::ByteStream> stream_;
    std::thread thread_;
};

// The arguments both clients get: the desk's code (or `-`), --allow-files,
// their status file and download folder (`download_dir` as the program sees it).
Args client_args(const Session& s, const std::string& download_dir);

}  // namespace wintest
