// A byte flipped inside one DATA chunk on the wire: the receiver detects it
// at the final SHA-256 check, does not rename the file into place, deletes
// the partial, and both sides get a clear error.
#include <catch2/catch.hpp>

#include "harness.h"

namespace {

// Passes writes through to `inner`, flipping one payload byte of the
// `target`-th DATA message (type 5). Follows message boundaries across
// writes: header type:u8 len:u32 big endian, then the payload.
class FlipOneByte : public session::ByteStream {
public:
    FlipOneByte(session::ByteStream& inner, int target) : inner_(inner), target_(target) {}
    std::size_t read(void* buf, std::size_t len) override { return inner_.read(buf, len); }
    void shutdown_write() override { inner_.shutdown_write(); }
    void close() override { inner_.close(); }
    void write(const void* buf, std::size_t len) override {
        std::string copy(static_cast<const char*>(buf), len);
        for (char& c : copy) step(c);
        inner_.write(copy.data(), copy.size());
    }
    bool flipped() const { return flipped_; }

private:
    // Advances the message parser by one byte, flipping it if it is the one.
    void step(char& c) {
        if (header_pos_ < 5) {
            header_[header_pos_++] = static_cast<unsigned char>(c);
            if (header_pos_ == 5) start_payload();
            return;
        }
        if (header_[0] == 5 && data_seen_ == target_ && payload_pos_ == 12 + 1000) {
            c = static_cast<char>(c ^ 0x20);  // a file byte, past the id and offset
            flipped_ = true;
        }
        if (++payload_pos_ == payload_len_) header_pos_ = 0;
    }
    void start_payload() {
        payload_len_ = (std::uint32_t{header_[1]} << 24) | (header_[2] << 16) | (header_[3] << 8) | header_[4];
        payload_pos_ = 0;
        if (header_[0] == 5) ++data_seen_;
        if (payload_len_ == 0) header_pos_ = 0;
    }

    session::ByteStream& inner_;
    int target_;
    unsigned char header_[5]{};
    int header_pos_ = 0;
    std::uint32_t payload_len_ = 0, payload_pos_ = 0;
    int data_seen_ = 0;
    bool flipped_ = false;
};

}  // namespace

TEST_CASE("a corrupted chunk is detected, the file is not renamed into place, both sides are told") {
    TempDir root;
    fs::path src = root.path / "src", down = root.path / "down";
    fs::create_directories(src);
    fs::create_directories(down);
    write_prng_file(src / "firmware.bin", 8 << 20, 51);

    auto streams = session::make_stream_pair();
    FlipOneByte corrupting(*streams.first, 7);
    Side sender(corrupting, options_for(src)), receiver(*streams.second, options_for(down));
    sender.endpoint().send_file((src / "firmware.bin").u8string());
    auto out = sender.wait_outcomes(1).at(0), in = receiver.wait_outcomes(1).at(0);

    CHECK(corrupting.flipped());
    CHECK_FALSE(in.ok);
    CHECK(in.text == "integrity check failed: the received data does not match the sender's SHA-256; the file was discarded");
    CHECK_FALSE(in.resumable);
    CHECK_FALSE(out.ok);
    CHECK(out.text == "the receiver rejected the file: " + in.text);
    CHECK(list_tree(down).empty());  // neither the file nor its temporary
}
