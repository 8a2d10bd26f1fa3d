// Malformed protocol messages from a hostile or broken peer: each gives a
// clear error (run()'s result, and an ERROR message back when the channel
// still works), never a crash. A table, then random mutations.
#include <catch2/catch.hpp>

#include <random>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace {

std::string be32(std::uint64_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string be64(std::uint64_t v) { return be32(v >> 32) + be32(v & 0xffffffffu); }

std::string msg(int type, const std::string& payload) { return std::string(1, static_cast<char>(type)) + be32(payload.size()) + payload; }
std::string data(std::uint32_t id, std::uint64_t off, const std::string& bytes) { return msg(5, be32(id) + be64(off) + bytes); }
std::string ack(std::uint32_t id, std::uint64_t off) { return msg(6, be32(id) + be64(off)); }

const std::string kSha(64, 'a');
const std::string kHello = msg(1, R"({"version":2})");
std::string offer(int id, const std::string& name, std::uint64_t size) {
    return msg(2, R"({"id":)" + std::to_string(id) + R"(,"name":")" + name + R"(","size":)" + std::to_string(size) +
                      R"(,"stamp":7})");
}

std::string verify(int id) { return msg(12, R"({"id":)" + std::to_string(id) + R"(,"sha256":")" + kSha + R"("})"); }

struct Peek {
    std::string run_result;
    std::vector<std::pair<int, std::string>> received;  // messages the endpoint sent
    int announced = 0, done = 0;                        // on_offer and on_done calls
};

// Splits what the endpoint sent into (type, payload); stops at a partial message.
std::vector<std::pair<int, std::string>> split(const std::string& bytes) {
    std::vector<std::pair<int, std::string>> out;
    std::size_t pos = 0;
    while (pos + 5 <= bytes.size()) {
        std::size_t len = (std::size_t(std::uint8_t(bytes[pos + 1])) << 24) | (std::uint8_t(bytes[pos + 2]) << 16) |
                          (std::uint8_t(bytes[pos + 3]) << 8) | std::uint8_t(bytes[pos + 4]);
        if (pos + 5 + len > bytes.size()) break;
        out.emplace_back(bytes[pos], bytes.substr(pos + 5, len));
        pos += 5 + len;
    }
    return out;
}

// Plays `bytes` as the peer to a fresh endpoint saving into `down`, then
// collects everything the endpoint sent until it closed the channel.
Peek play(const std::string& bytes, files::Decision decision, const fs::path& down) {
    auto streams = session::make_stream_pair();
    Peek p;
    files::Options o = options_for(down);
    o.on_offer = [&](const files::OfferInfo&) { ++p.announced; return decision; };
    o.on_done = [&](const files::Outcome&) { ++p.done; };
    files::FileEndpoint ep(*streams.second, o);
    std::thread reader([&] { p.run_result = ep.run(); });
    try {
        streams.first->write(bytes.data(), bytes.size());
        streams.first->shutdown_write();
    } catch (const session::StreamError&) {  // the endpoint closed first: fine
    }
    std::string got;
    char buf[4096];
    while (std::size_t n = streams.first->read(buf, sizeof buf)) got.append(buf, n);
    reader.join();
    p.received = split(got);
    return p;
}

// The text of the ERROR message the endpoint sent, or "".
std::string error_sent(const Peek& p) {
    for (auto& [type, payload] : p.received)
        if (type == 11) return nlohmann::json::parse(payload).at("message").get<std::string>();
    return "";
}

struct Row {
    const char* what;
    std::string bytes;
    files::Decision decision;
    std::string expect;  // in run()'s result
    bool error_back;     // an ERROR message reached the peer
};

using D = files::Decision;

std::vector<Row> rows() {
    std::string big(20, 'x');
    return {
        {"unknown type", kHello + msg(0x7f, ""), D::accept, "unknown message type 127", true},
        {"type zero", kHello + msg(0, ""), D::accept, "unknown message type 0", true},
        {"control length 16 MiB", kHello + std::string("\x02") + be32(16 << 20), D::accept, "too long", true},
        {"data length over a chunk", kHello + std::string("\x05") + be32(65536 + 13), D::accept, "too long", true},
        {"ack length 13", kHello + std::string("\x06") + be32(13), D::accept, "too long", true},
        {"message cut by the end of the stream", kHello + std::string("\x02") + be32(100) + "0123456789", D::accept, "middle", false},
        {"no HELLO first", offer(1, "a", 1), D::accept, "first message is not HELLO", true},
        {"wrong version", msg(1, R"({"version":1})"), D::accept, "version 1", true},
        {"HELLO twice", kHello + kHello, D::accept, "HELLO sent twice", true},
        {"not JSON", kHello + msg(2, "{not json"), D::accept, "not a JSON object", true},
        {"JSON array", kHello + msg(2, "[1,2]"), D::accept, "not a JSON object", true},
        {"missing stamp", kHello + msg(2, R"({"id":1,"name":"a","size":1})"), D::accept, "\"stamp\"", true},
        {"negative size", kHello + msg(2, R"({"id":1,"name":"a","size":-1,"stamp":7})"), D::accept, "\"size\"", true},
        {"size as string", kHello + msg(2, R"({"id":1,"name":"a","size":"1","stamp":7})"), D::accept, "\"size\"", true},
        {"bad sha256", kHello + offer(1, "a", 1) + msg(12, R"({"id":1,"sha256":"xyz"})"), D::accept, "sha256", true},
        {"missing sha256", kHello + offer(1, "a", 1) + msg(12, R"({"id":1})"), D::accept, "\"sha256\"", true},
        {"VERIFY twice", kHello + offer(1, "a", 9) + verify(1) + verify(1), D::defer, "VERIFY twice", true},
        {"VERIFY for a transfer never offered", kHello + verify(5), D::accept, "never offered", true},
        {"id zero", kHello + offer(0, "a", 1), D::accept, "out of range", true},
        {"id over 32 bits", kHello + msg(2, R"({"id":8589934592,"name":"a","size":1,"stamp":7})"), D::accept, "out of range", true},
        {"id reused", kHello + offer(1, "a", 1) + offer(1, "b", 1), D::defer, "reuses transfer id 1", true},
        {"data for an unknown id", kHello + data(9, 0, "abc"), D::accept, "never offered", true},
        {"data before accept", kHello + offer(1, "a", 10) + data(1, 0, "abc"), D::defer, "before ACCEPT", true},
        {"data beyond the size", kHello + offer(1, "a", 10) + data(1, 0, big), D::accept, "beyond the offered size", true},
        {"overlapping offsets", kHello + offer(1, "a", 100) + data(1, 0, "01234567") + data(1, 4, "01234567"), D::accept, "offset 4, expected 8", true},
        {"gap in offsets", kHello + offer(1, "a", 100) + data(1, 16, "0123"), D::accept, "offset 16, expected 0", true},
        {"data shorter than its header", kHello + msg(5, "12345"), D::accept, "12-byte header", true},
        {"empty data", kHello + offer(1, "a", 100) + data(1, 0, ""), D::accept, "empty DATA", true},
        {"ack for a transfer never offered", kHello + ack(3, 0), D::accept, "never offered", true},
        {"accept for a transfer never offered", kHello + msg(3, R"({"id":4,"offset":0})"), D::accept, "never offered", true},
        {"result for a transfer never offered", kHello + msg(7, R"({"id":4,"ok":true,"text":"x"})"), D::accept, "never offered", true},
        {"pause for a transfer never offered", kHello + msg(9, R"({"id":4})"), D::accept, "never offered", true},
        {"cancel with a bad role", kHello + offer(1, "a", 9) + msg(8, R"({"id":1,"by":"x","reason":"","keep":false})"), D::accept, "\"by\"", true},
        {"error without a message", kHello + msg(11, "{}"), D::accept, "\"message\"", true},
        {"the peer reports an error", kHello + msg(11, R"({"message":"boom"})"), D::accept, "the peer ended the file channel: boom", false},
    };
}

}  // namespace

TEST_CASE("malformed messages: a clear error each, an ERROR back to the peer, no crash") {
    TempDir root;
    for (const Row& row : rows()) {
        INFO(row.what);
        fs::path down = root.path / "down";
        fs::create_directories(down);
        Peek p = play(row.bytes, row.decision, down);
        INFO("run() returned: " << p.run_result);
        CHECK(contains(p.run_result, row.expect));
        if (row.error_back) CHECK(contains(error_sent(p), row.expect));
        CHECK(p.done == p.announced);  // every announced transfer got its outcome
        fs::remove_all(down);
    }
    CHECK(list_tree(root.path).empty());
}

TEST_CASE("well-formed offers with unusable names are declined, the channel stays up") {
    TempDir root;
    for (std::string name : {"", ".", "..", "...", " . "}) {
        INFO("name: \"" << name << "\"");
        Peek p = play(kHello + offer(1, name, 5), D::accept, root.path);
        CHECK(p.run_result.empty());  // clean end: the peer just closed
        CHECK(p.announced == 0);
        REQUIRE(p.received.size() == 2);
        CHECK(p.received[0].first == 1);  // HELLO
        CHECK(p.received[1].first == 4);  // DECLINE
        CHECK(contains(p.received[1].second, "the offered file name"));
    }
    CHECK(list_tree(root.path).empty());
}

TEST_CASE("random mutations of a valid conversation never crash and always end") {
    TempDir root;
    const std::string valid = kHello + offer(1, "f.bin", 24) + data(1, 0, "0123456789ab") + data(1, 12, "cdefghijklmn") +
                              msg(9, R"({"id":1})") + msg(8, R"({"id":1,"by":"sender","reason":"r","keep":true})");
    std::mt19937 rng(1234);  // fixed: failures are reproducible
    for (int i = 0; i < 2000; ++i) {
        std::string bytes = valid;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            std::size_t pos = rng() % bytes.size();
            switch (rng() % 3) {
            case 0: bytes[pos] = static_cast<char>(rng()); break;
            case 1: bytes.erase(pos, 1 + rng() % 8); break;
            default: bytes.insert(pos, 1, static_cast<char>(rng())); break;
            }
            if (bytes.empty()) bytes = "x";
        }
        fs::path down = root.path / "down";
        fs::create_directories(down);
        INFO("mutation " << i);
        Peek p = play(bytes, i % 2 ? D::accept : D::defer, down);
        CHECK(p.done == p.announced);
        for (auto& name : list_tree(down)) CHECK(name.find('/') == std::string::npos);  // flat: no subfolders
        fs::remove_all(down);
    }
    CHECK(list_tree(root.path).empty());
}
