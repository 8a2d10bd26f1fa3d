// Small pieces tether-client and tether-desk share as programs.
#pragma once

#include <functional>
#include <istream>
#include <string>

namespace remote {

// main()'s frame for tether-desk and tether-client, with the exit codes of
// settings/tether_conf.h: `parse` reads the settings (false: nothing more to
// do, e.g. --help: exit 0; throws: a usage or settings error, said as
// "PROGRAM: what (see --help)", exit 2); then `run` (its result is the exit
// code; throws: a runtime failure, said as "PROGRAM: what", exit 1).
int run_program(const std::string& program, const std::function<bool()>& parse, const std::function<int()>& run);

// A peer that closed its socket makes a write fail (EPIPE) instead of
// killing the program: libvncclient and libvncserver write() to their
// sockets without MSG_NOSIGNAL, and SIGPIPE killed tether-desk silently as a
// session ended (screen.desk_view under load). run_program calls it first.
// Nothing to do on Windows (no SIGPIPE).
void ignore_broken_pipes();

// Blocks SIGINT and SIGTERM in the calling thread (call it before any other
// thread starts, so that every thread inherits the mask) and runs `on_stop`
// once, on a detached thread, when one of them arrives: a headless session
// then ends cleanly (hotkeys released, the relay told). On Windows
// (program_windows.cpp) the console control handler (Ctrl+C, Ctrl+Break,
// closing the console) does the same.
void stop_on_signals(std::function<void()> on_stop);

// `--code -`: the code is read from `in` (one line; spaces and dashes as a
// person types them are dropped), so that a script or a benchmark starts
// the client first and gives the code later, as a customer types it while
// the program is already up. Any other `given` is returned as it is. The
// caller checks the result (wire::valid_session_code).
std::string code_or_stdin(const std::string& given, std::istream& in);

struct ChatLine;
// --chat: stdin lines are messages (app.send_chat); the conversation goes to
// stdout, one line each (chat_display), refusals to stderr after
// "`program`: ". The reader is detached: a blocking getline cannot be
// interrupted, and the program ends with the session. App: desk::App or
// client::App (send_chat, on_chat, on_chat_error).
template <class App>
void chat_on_stdio(App& app, const std::string& program);

// chat_on_stdio's parts. The first two may be called from any thread (the
// output is serialised); the third starts the detached reader, which calls
// `send` with every line that is not empty (a trailing '\r' dropped).
void print_chat_line(const ChatLine& l);
void print_chat_refusal(const std::string& program, const std::string& why);
void send_stdin_lines(std::function<void(const std::string&)> send);

template <class App>
void chat_on_stdio(App& app, const std::string& program) {
    app.on_chat(print_chat_line);
    app.on_chat_error([program](const std::string& why) { print_chat_refusal(program, why); });
    send_stdin_lines([&app](const std::string& line) { app.send_chat(line); });
}

}  // namespace remote
