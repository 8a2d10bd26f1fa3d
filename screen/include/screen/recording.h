// Recording the customer's screen on the desk (issue 19, opt-in with
// `tether-desk --record FILE`) and playing it back (`--play FILE`).
//
// What is stored: the RFB bytes the desk's viewer read from the rfb channel
// (customer -> desk), after the end-to-end channel decrypted them, each
// read with the time it arrived. The desk's own messages are not stored:
// played back to the same viewer code they are not needed (the viewer asks
// the same questions and the recording holds the answers). The file is made
// on the desk (mode 0600) and never sent anywhere; the relay only ever
// forwarded the ciphertext. It holds the customer's screen: treat it as
// the customer's data.
//
// The pointer: the customer's pointer shape (RichCursor) and position
// (PointerPos) are RFB pseudo-encodings inside those bytes, so the replay
// draws the pointer where and when the live view drew it.
//
// File format (docs/SCREEN.md "Recording"), all integers big-endian:
//   "TETHER-RFB-REC 2\n"                      17 bytes, the version in it
//   then records until the end of the file:
//     ms:u64     milliseconds since the recording started (never decreasing)
//     length:u32 (1 .. 16 MiB)
//     crc:u32    CRC-32 (zlib's) of the bytes
//     bytes[length]
// The checksum is why a damaged file is refused before the viewer sees a
// byte: playback feeds libvncclient only what the live viewer read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "remote/channels.h"
#include "session/byte_stream.h"

namespace screen {

constexpr const char* kRecordingMagic = "TETHER-RFB-REC 2\n";
constexpr std::size_t kRecordingMagicLen = 17;
// A record longer than this is a broken file (a read is at most a few KiB).
constexpr std::uint32_t kMaxRecordBytes = 16u << 20;

// What a whole recording holds, once checked.
struct RecordingSummary {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;    // RFB bytes
    std::uint64_t last_ms = 0;  // the last record's time: how long the replay takes
};

// Reads a whole recording and checks every record (framing, checksum,
// times) in bounded memory (one record at a time). Throws
// std::runtime_error with a sentence naming the file and what is wrong: not
// a recording, another version, cut off (where), damaged (which record).
RecordingSummary check_recording(const std::string& path);

// A ByteStream decorator that appends every read() to a recording file.
// `inner` is borrowed. The file is created (or truncated) with mode 0600.
// Throws std::runtime_error with a sentence when it cannot be created.
class RecordingStream : public session::ByteStream {
public:
    RecordingStream(session::ByteStream& inner, const std::string& path);
    ~RecordingStream() override;
    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override { inner_.write(buf, len); }
    void shutdown_write() override { inner_.shutdown_write(); }
    void close() override { inner_.close(); }

private:
    session::ByteStream& inner_;
    std::FILE* file_ = nullptr;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class RecordReader;  // recording.cpp: one record after the other, checked

// Plays a recording back as a ByteStream: read() hands out each record when
// its time has come (real speed, from the first read()); write() discards.
// After the last record read() blocks until close(), so the viewer keeps
// the last frame on the screen, and `on_end` is told once, with a sentence
// ("Replay finished: 12.3 s, as recorded", or what was wrong when the file
// changed under the replay). The constructor checks the whole file
// (check_recording) and throws its sentence.
class PlaybackStream : public session::ByteStream {
public:
    explicit PlaybackStream(const std::string& path, std::function<void(const std::string&)> on_end = {});
    ~PlaybackStream() override;
    std::size_t read(void* buf, std::size_t len) override;
    void write(const void*, std::size_t) override {}
    void shutdown_write() override {}
    void close() override;
    bool finished() const;  // every record was handed out

private:
    bool next_record();  // false at the end of the file (or a damaged record: said through on_end_)
    void finish_locked();  // the end: says so through on_end_

    std::string path_;
    std::function<void(const std::string&)> on_end_;
    std::FILE* file_ = nullptr;
    std::unique_ptr<RecordReader> reader_;  // over file_
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false, eof_ = false, started_ = false;
    std::chrono::steady_clock::time_point start_;
    std::uint64_t due_ms_ = 0;
    std::string pending_;  // the current record's bytes not yet read
    std::string damage_;   // why the replay stopped early; "" when it ran to the end
};

// tether-desk --play: a DeskConnector whose one "session" is the recording
// on the rfb channel, with a control channel that says hello as
// "Recording <file name>" and then stays silent.
class PlaybackConnector : public remote::DeskConnector {
public:
    explicit PlaybackConnector(std::string path) : path_(std::move(path)) {}
    std::unique_ptr<remote::SessionLink> open(const remote::CodeFn& on_code, const remote::StatusFn& status) override;
    void cancel() override {}

private:
    std::string path_;
    bool used_ = false;  // one playback per program run
};

}  // namespace screen
