// The control channel (mux channel 0): one JSON object per line, UTF-8,
// '\n'-terminated. The first line each side sends is `hello` carrying the
// protocol version. Unknown `type`s are ignored (forward compatible).
//
//   {"type":"hello","version":1,"role":"client","name":"Alice"}
//   {"type":"consent","control":true,"files":false}     client -> desk only
//   {"type":"ping","t":123}  {"type":"pong","t":123}     t: sender's ms clock
//   {"type":"bye","reason":"the customer disconnected"}
//   {"type":"control_request"}                            desk -> client: the supporter asks for control
//   {"type":"control_answer","answer":"asked"}            client -> desk: "asked" (the customer sees the
//                                                         question), "denied", "unavailable" (this client
//                                                         cannot be controlled); "allowed" is the consent line
// A request never changes a right by itself: only the customer's answer
// (F11, or Allow on the prompt, on the customer's machine) does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "remote/consent.h"

namespace remote {

constexpr int kControlVersion = 1;
// A longer line is a protocol error (no legitimate message comes close).
constexpr std::size_t kMaxControlLine = 64 * 1024;  // bytes

enum class MessageType { hello, consent, ping, pong, bye, control_request, control_answer, unknown };

// control_answer's values.
constexpr const char* kAnswerAsked = "asked";
constexpr const char* kAnswerDenied = "denied";
constexpr const char* kAnswerUnavailable = "unavailable";

struct Message {
    MessageType type = MessageType::unknown;
    int version = kControlVersion;  // hello
    std::string role;               // hello: "client" or "desk"
    std::string name;               // hello: a person's name for the other screen
    ConsentState consent;           // consent
    std::int64_t stamp_ms = 0;      // ping/pong
    std::string reason;             // bye: a sentence for a person
    std::string answer;             // control_answer: kAnswer*
    // A type this header does not know (MessageType::unknown): its name and
    // the whole line, so extensions with their own codec (clipboard.h) can
    // read it without a case here (clipboard.h, chat.h).
    std::string kind;
    std::string line;

    static Message hello(std::string role, std::string name);
    static Message consent_state(ConsentState s);
    static Message ping(std::int64_t t);
    static Message pong(std::int64_t t);
    static Message bye(std::string reason);
    static Message control_request();
    static Message control_answer(std::string answer);
};

// One line, without the trailing '\n'.
std::string encode(const Message& m);
// nullopt: not a JSON object or a known type with wrong fields (protocol error).
// A well-formed object of an unknown type gives MessageType::unknown.
std::optional<Message> decode(const std::string& line);

}  // namespace remote
