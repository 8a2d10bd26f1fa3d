// Pure units of screen/: control protocol, consent,
// and how a desk session ends without a display.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "remote/consent.h"
#include "remote/control_channel.h"
#include "remote/control_protocol.h"
#include "remote/customer_control.h"
#include "screen/desk_session.h"
#include "session/byte_stream.h"

using namespace screen;
using namespace remote;

TEST_CASE("control messages decode, one row per edge case") {
    struct Row {
        const char* line;
        bool ok;
        MessageType type;
    };
    const Row rows[] = {
        {R"({"type":"hello","version":1,"role":"desk","name":"Bob"})", true, MessageType::hello},
        {R"({"type":"hello","version":1,"role":"desk"})", true, MessageType::hello},  // name optional
        {R"({"type":"hello","role":"desk"})", false, MessageType::unknown},          // version required
        {R"({"type":"consent","control":true,"files":false})", true, MessageType::consent},
        {R"({"type":"consent","control":"yes","files":false})", false, MessageType::unknown},
        {R"({"type":"ping","t":42})", true, MessageType::ping},
        {R"({"type":"pong","t":-1})", true, MessageType::pong},
        {R"({"type":"bye"})", true, MessageType::bye},
        {R"({"type":"control_request"})", true, MessageType::control_request},
        {R"({"type":"control_answer","answer":"denied"})", true, MessageType::control_answer},
        {R"({"type":"control_answer"})", false, MessageType::unknown},  // answer required
        {R"({"type":"from-the-future","x":1})", true, MessageType::unknown},
        {R"({"notype":1})", false, MessageType::unknown},
        {R"([1,2])", false, MessageType::unknown},
        {R"({"type":"hello",)", false, MessageType::unknown},
        {"", false, MessageType::unknown},
    };
    for (const Row& r : rows) {
        INFO(r.line);
        auto m = decode(r.line);
        REQUIRE(m.has_value() == r.ok);
        if (m) CHECK(m->type == r.type);
    }
}

TEST_CASE("control messages round-trip") {
    auto m = decode(encode(Message::consent_state({true, false})));
    REQUIRE(m);
    CHECK(m->consent == ConsentState{true, false});
    auto h = decode(encode(Message::hello("client", "Zoë \"q\"\n")));
    REQUIRE(h);
    CHECK(h->name == "Zoë \"q\"\n");
    CHECK(h->version == kControlVersion);
    CHECK(encode(Message::ping(7)).find('\n') == std::string::npos);
    auto r = decode(encode(Message::control_request()));
    REQUIRE(r);
    CHECK(r->type == MessageType::control_request);
    auto a = decode(encode(Message::control_answer(remote::kAnswerAsked)));
    REQUIRE(a);
    CHECK(a->answer == "asked");
}

TEST_CASE("control channel reads lines split across reads and rejects garbage") {
    auto [a, b] = session::make_stream_pair();
    ControlChannel in(*b);
    std::string bytes = encode(Message::ping(1)) + "\n" + encode(Message::bye("x")) + "\nnot json\n";
    for (char c : bytes) a->write(&c, 1);  // worst case: one byte per read
    a->shutdown_write();
    CHECK(in.receive()->type == MessageType::ping);
    CHECK(in.receive()->type == MessageType::bye);
    CHECK_THROWS_AS(in.receive(), ProtocolError);
}

TEST_CASE("consent: view-only by default, toggles, end drops every right") {
    Consent c;
    std::vector<ConsentState> seen;
    c.on_change([&](ConsentState s) { seen.push_back(s); });
    CHECK_FALSE(c.allows_control());
    CHECK_FALSE(c.allows_files());
    c.toggle_control();
    CHECK(c.allows_control());
    c.toggle_files();
    c.toggle_control();
    CHECK(c.state() == ConsentState{false, true});
    c.end();
    CHECK(c.state() == ConsentState{});
    c.toggle_control();  // ignored after the end
    CHECK_FALSE(c.allows_control());
    REQUIRE(seen.size() == 4);
    CHECK(seen.back() == ConsentState{});
}

#include "remote/relay_connector.h"
#include "remote/status.h"

TEST_CASE("relay session states become status lines once per change") {
    using session::SessionState;
    struct Row {
        SessionState now, before;
        const char* detail;
        std::string want;
    };
    const Row rows[] = {
        {SessionState::connecting, SessionState::connecting, "stream mode through proxy 10.0.0.1:3128",
         "Connecting (stream mode through proxy 10.0.0.1:3128)..."},
        {SessionState::waiting_for_peer, SessionState::connecting, "", "Waiting for the supporter..."},
        {SessionState::waiting_for_peer, SessionState::waiting_for_peer, "", ""},  // RTT sample only
        {SessionState::connected, SessionState::waiting_for_peer, "", ""},          // the hello says more
        {SessionState::reconnecting, SessionState::connected, "carrier broke", "Reconnecting... (carrier broke)"},
        {SessionState::connected, SessionState::reconnecting, "poll mode", "Connected again (poll mode)"},
        {SessionState::ended, SessionState::connected, "the peer left", "Ended (the peer left)"},
    };
    for (const Row& r : rows) {
        session::SessionStatus s;
        s.state = r.now;
        s.detail = r.detail;
        CHECK(describe_status(s, r.before, "the supporter") == r.want);
    }
}

// The supporter clicks "End" while the session is still being set up: run()
// must end at once with that reason and send nothing on the closed channel.
TEST_CASE("a desk stopped before run() ends with the stop's reason and sends nothing") {
    auto control = session::make_stream_pair();
    auto rfb = session::make_stream_pair();
    DeskSession desk("Supporter", {}, {}, {});
    desk.stop("the supporter cancelled");
    rfb.first->close();  // the customer's side of the screen is gone too
    auto ended = std::async(std::launch::async, [&] { return desk.run(Channels{*control.second, *rfb.second}); });
    if (ended.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        control.first->close();
        rfb.second->close();
        FAIL("run() did not return after an early stop");
    }
    CHECK(ended.get() == "the supporter cancelled");
    char c;
    CHECK(control.first->read(&c, 1) == 0);  // no hello, no bye: the channel was closed unused
}

// The supporter quits right after the handshake, before the customer's
// hello and consent went out (tether-client.exe aborted with "terminate
// called without an active exception": the failed greeting was thrown out of
// run() past the screen's thread). run() must end with a reason naming the
// supporter, and close the screen's channel.
TEST_CASE("a customer whose supporter left before the greeting ends with a reason, not an exception") {
    auto control = session::make_stream_pair();
    auto rfb = session::make_stream_pair();
    control.first->close();  // the desk is gone: our greeting cannot be written
    remote::CustomerControl customer("Customer", ConsentState{false, false}, {});
    auto ended = std::async(std::launch::async, [&] {
        try {
            return "returned: " + customer.run(Channels{*control.second, *rfb.second});
        } catch (const std::exception& e) {
            return std::string("threw: ") + e.what();
        }
    });
    if (ended.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        control.second->close();
        FAIL("run() did not return after the supporter left");
    }
    std::string got = ended.get();
    INFO(got);
    CHECK(got.rfind("returned: the connection to the supporter ", 0) == 0);
    CHECK_THROWS_AS(rfb.first->write("x", 1), session::StreamError);  // run() closed the screen's channel
}

// Chat (issue 19, remote/chat.h): what may be sent, and how a line decodes.
#include <mutex>

#include "remote/chat.h"
#include "remote/session_record.h"
#include "remote/control_protocol.h"

TEST_CASE("chat: the 4 KiB and UTF-8 rule, the line, and chat inside a control message") {
    struct Row {
        std::string text;
        bool ok;
    };
    const Row rows[] = {
        {"hello", true},
        {"Grüße ✓ 你好 😀", true},
        {std::string(4096, 'a'), true},
        {std::string(4097, 'a'), false},
        {"", false},
        {"\xC3", false},              // truncated sequence
        {"\xC0\xAF", false},          // overlong '/'
        {"\xED\xA0\x80", false},      // a surrogate
        {"\xF4\x90\x80\x80", false},  // above U+10FFFF
    };
    for (const auto& r : rows) {
        INFO(r.text.size() << " bytes");
        bool ok = true;
        try {
            remote::check_chat_text(r.text);
        } catch (const remote::ChatRefused&) {
            ok = false;
        }
        CHECK(ok == r.ok);
    }
    std::string line = remote::encode_chat("Grüße\n✓", 1796000000000);
    auto m = remote::decode(line);
    REQUIRE(m);
    CHECK(m->type == remote::MessageType::unknown);  // kept apart from the types control_protocol.h knows
    auto c = remote::chat_of(*m);
    REQUIRE(c);
    CHECK(c->text == "Grüße\n✓");
    CHECK(c->unix_ms == 1796000000000);
    CHECK(c->refused.empty());
    auto big = remote::decode_chat(R"({"type":"chat","text":")" + std::string(5000, 'b') + R"(","t":1})");
    REQUIRE(big);
    CHECK(big->text.empty());
    CHECK(big->refused == "longer than 4 KiB (5000 bytes)");
    CHECK(!remote::decode_chat(R"({"type":"ping","t":1})"));
    CHECK(!remote::chat_of(*remote::decode(R"({"type":"ping","t":1})")));
    remote::ChatLine l{0, "Alice", "two\nlines", false};
    CHECK(remote::chat_display(l).substr(10) == " Alice: two lines");
}

// The queue both apps send through (desk::App, client::App).
TEST_CASE("chat outbox: refused without a session, waits for the hello (100 at most), then goes in order") {
    std::mutex mu;
    bool on = false;
    std::vector<std::string> wire, sent, refused;
    remote::ChatOutbox out(mu, {"Alice", "no session", "full", [&] { return on; },
                                [&](const remote::ChatLine& l) {
                                    CHECK(l.mine);
                                    CHECK(l.from == "Alice");
                                    sent.push_back(l.text);
                                },
                                [&](const std::string& why) { refused.push_back(why); }});
    CHECK(!out.send("early"));
    CHECK(!out.send(std::string(4097, 'a')));
    REQUIRE(refused.size() == 2);
    CHECK(refused[0] == "no session");
    CHECK(refused[1].rfind("Not sent: the message is 4097 bytes", 0) == 0);

    on = true;  // connecting: messages wait, even once the session runs, until the hello
    for (int i = 0; i < 100; ++i) CHECK(out.send("m" + std::to_string(i)));
    CHECK(!out.send("one too many"));
    CHECK(refused.back() == "full");
    {
        std::lock_guard<std::mutex> lk(mu);
        out.attach([&](const std::string& t) {
            if (t == "m50") throw remote::ChatRefused("gone");
            wire.push_back(t);
        });
    }
    CHECK(wire.empty());  // the session runs, but no hello yet
    CHECK(sent.empty());
    out.peer_arrived();  // the session ends while they go: the rest is dropped
    REQUIRE(wire.size() == 50);
    CHECK(wire.front() == "m0");
    CHECK(wire.back() == "m49");
    CHECK(sent == wire);
    CHECK(out.send("now"));  // the other side is here: at once
    CHECK(wire.back() == "now");
    CHECK(sent.back() == "now");

    {
        std::lock_guard<std::mutex> lk(mu);
        out.detach();
    }
    CHECK(out.send("next"));  // the next session's: waits for its hello again
    {
        std::lock_guard<std::mutex> lk(mu);
        out.attach([&](const std::string& t) { wire.push_back(t); });
    }
    CHECK(wire.back() == "now");
    out.peer_arrived();
    CHECK(wire.back() == "next");
    CHECK(sent.back() == "next");
}

TEST_CASE("time_text: local clock and UTC") {
    CHECK(remote::time_text(1796000000123, "%Y-%m-%dT%H:%M:%S", true) == "2026-11-30T00:53:20");
    CHECK(remote::utc_text(1796000000123) == "2026-11-30T00:53:20.123Z");
    CHECK(remote::clock_text(1796000000123).size() == 8);
}
