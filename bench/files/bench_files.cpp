// How much of a stream's throughput a file transfer keeps, how soon its
// first byte arrives, and how it compares with scp. For each carrier
// (in-memory pair, socketpair, the end-to-end layer over a socketpair and
// over loopback TCP): the raw stream moving N MiB in 64 KiB writes, then
// FileEndpoint sending an N MiB file over a fresh stream of that kind; then
// scp of the same file to a private sshd on 127.0.0.1 (one encrypted TCP
// hop, like "e2e-tcp"). Prints MB/s, ratios and the offer-to-first-byte
// time; exits non-zero only if a file arrived wrong.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "files/file_endpoint.h"
#include "files/sha256.h"
#include "session/byte_stream.h"
#include "session/fd_stream.h"
#include "secure/secure_stream.h"
#include "wire/allocator.h"
#include "support/process.h"
#include "support/ssh_server.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using StreamPair = std::pair<std::unique_ptr<session::ByteStream>, std::unique_ptr<session::ByteStream>>;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds (user + system) of this process so far: unlike wall time, it
// means something on a machine shared with other jobs.
double cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);  // all threads of the process
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

StreamPair make_socketpair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) std::exit(2);
    return {session::make_fd_stream(fds[0]), session::make_fd_stream(fds[1])};
}

// Two ends of one loopback TCP connection (Nagle off, as the carriers do).
StreamPair make_tcp() {
    int lst = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(lst, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(lst, 1) != 0 ||
        ::getsockname(lst, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        std::exit(2);
    int c = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::exit(2);
    int s = ::accept(lst, nullptr, nullptr);
    ::close(lst);
    int one = 1;
    for (int fd : {c, s}) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return {session::make_fd_stream(c), session::make_fd_stream(s)};
}

// The end-to-end layer (docs/SECURITY.md: Noise, AES-256-GCM records) over
// `raw`, handshake done before timing starts: what the file channel runs in.
StreamPair make_e2e(StreamPair raw) {
    std::unique_ptr<session::ByteStream> desk;
    std::thread t([&] { desk = secure::secure_handshake(std::move(raw.first), secure::SecureRole::desk); });
    std::unique_ptr<session::ByteStream> client = secure::secure_handshake(std::move(raw.second), secure::SecureRole::client);
    t.join();
    return {std::move(desk), std::move(client)};
}

StreamPair make_carrier(const std::string& kind) {
    if (kind == "pair") return session::make_stream_pair();
    if (kind == "e2e") return make_e2e(make_socketpair());
    if (kind == "e2e-tcp") return make_e2e(make_tcp());
    return make_socketpair();
}

void write_prng_file(const fs::path& path, std::uint64_t size) {
    std::ofstream f(path, std::ios::binary);
    std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    for (std::uint64_t done = 0; done < size; done += block.size() * 8) {
        for (auto& w : block) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        f.write(reinterpret_cast<const char*>(block.data()),
                static_cast<std::streamsize>(std::min<std::uint64_t>(size - done, block.size() * 8)));
    }
}

struct RawRun {
    double wall_s = 0, cpu_s = 0;
};

// Time to move `size` bytes through the carrier in 64 KiB writes.
RawRun raw_run(const std::string& kind, std::uint64_t size) {
    auto s = make_carrier(kind);
    double c0 = cpu_seconds();
    auto t0 = Clock::now();
    std::thread writer([&] {
        std::vector<char> buf(64 * 1024, 'x');
        for (std::uint64_t sent = 0; sent < size; sent += buf.size()) s.first->write(buf.data(), buf.size());
        s.first->shutdown_write();
    });
    std::vector<char> buf(64 * 1024);
    while (s.second->read(buf.data(), buf.size()) > 0) {
    }
    writer.join();
    return {seconds_since(t0), cpu_seconds() - c0};
}

struct FileRun {
    double offer_s = 0;       // send_file returning (it opens the file; hashing runs beside the data)
    double first_byte_s = 0;  // send_file called to the receiver's first written byte (on_progress > 0)
    double transfer_s = 0;    // send_file called to the receiver's final rename (hashing included)
    double cpu_s = 0;         // CPU seconds of the whole transfer (both endpoints)
    bool ok = false;
};

FileRun file_run(const std::string& kind, const fs::path& src, const fs::path& down) {
    auto s = make_carrier(kind);
    std::mutex mu;
    std::condition_variable cv;
    int outcomes = 0;
    bool ok = true;
    files::Options so, ro;
    ro.download_dir = down.string();
    Clock::time_point first{};
    ro.on_progress = [&](files::TransferId, files::Direction, std::uint64_t bytes, std::uint64_t) {
        std::lock_guard<std::mutex> lk(mu);
        if (bytes > 0 && first == Clock::time_point{}) first = Clock::now();
    };
    so.on_done = ro.on_done = [&](const files::Outcome& o) {
        std::lock_guard<std::mutex> lk(mu);
        ok = ok && o.ok;
        ++outcomes;
        cv.notify_all();
    };
    files::FileEndpoint sender(*s.first, so), receiver(*s.second, ro);
    std::thread rs([&] { sender.run(); }), rr([&] { receiver.run(); });
    FileRun r;
    double c0 = cpu_seconds();
    auto t0 = Clock::now();
    sender.send_file(src.string());
    r.offer_s = seconds_since(t0);
    {
        std::unique_lock<std::mutex> lk(mu);
        cv.wait(lk, [&] { return outcomes == 2; });
        r.first_byte_s = std::chrono::duration<double>(first - t0).count();
    }
    r.transfer_s = seconds_since(t0);
    r.cpu_s = cpu_seconds() - c0;
    sender.close();
    rs.join();
    rr.join();
    r.ok = ok;
    return r;
}

// scp of the same file over loopback; false only if the copy differs.
bool scp_row(const fs::path& src, const fs::path& dest, const std::string& want, double e2e_tcp_mb_s, std::uint64_t size) {
    std::string why = test_support::SshServer::unavailable();
    if (!why.empty()) {
        std::printf("scp        skipped (%s)\n", why.c_str());
        return true;
    }
    try {
        test_support::SshServer sshd;
        auto t0 = Clock::now();
        auto r = test_support::run(sshd.scp_argv(src.string(), dest.string()), std::chrono::seconds(600));
        double wall = seconds_since(t0);
        if (r.code != 0) throw std::runtime_error("scp failed: " + r.output);
        bool same = files::sha256_file_hex(dest.string()) == want;
        fs::remove(dest);
        double mb_s = static_cast<double>(size) / 1e6 / wall;
        std::printf("scp        %5.0f MB/s (connection setup included)   file e2e-tcp / scp %.2fx%s\n", mb_s,
                    e2e_tcp_mb_s / mb_s, same ? "" : "  FILE DIFFERS");
        return same;
    } catch (const std::exception& e) {
        std::printf("scp        not measured: %s\n", e.what());
        return true;
    }
}

}  // namespace

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    std::uint64_t mib = 1024;
    if (argc > 1) {
        char* end = nullptr;
        mib = std::strtoull(argv[1], &end, 10);
        if (argc > 3 || !end || *end || mib == 0) {
            std::fprintf(stderr, "usage: bench_files [MIB (1024)] [DIR (system temp)]\n"
                                 "  a MIB-sized file over each in-process carrier, against the raw carrier\n");
            return 2;
        }
    }
    fs::path base = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path();
    fs::path dir = base / ("tether-bench-files-" + std::to_string(::getpid()));
    fs::create_directories(dir / "down");
    std::uint64_t size = mib << 20;
    write_prng_file(dir / "payload.bin", size);
    std::string want = files::sha256_file_hex((dir / "payload.bin").string());
    bool all_ok = true;
    double e2e_tcp_mb_s = 0;
    for (std::string kind : {"pair", "socketpair", "e2e", "e2e-tcp"}) {
        RawRun raw = raw_run(kind, size);
        FileRun f = file_run(kind, dir / "payload.bin", dir / "down");
        bool same = f.ok && files::sha256_file_hex((dir / "down" / "payload.bin").string()) == want;
        all_ok = all_ok && same;
        fs::remove(dir / "down" / "payload.bin");
        double mb = static_cast<double>(size) / 1e6;
        std::printf("%-10s %5llu MiB  raw %5.0f MB/s  file %5.0f MB/s  ratio %.2fx  offer to first byte %.1f ms "
                    "(send_file %.1f ms)  CPU s: raw %.2f, file %.2f%s\n",
                    kind.c_str(), static_cast<unsigned long long>(mib), mb / raw.wall_s, mb / f.transfer_s,
                    raw.wall_s / f.transfer_s, f.first_byte_s * 1e3, f.offer_s * 1e3, raw.cpu_s, f.cpu_s,
                    same ? "" : "  FILE DIFFERS");
        if (kind == "e2e-tcp") e2e_tcp_mb_s = mb / f.transfer_s;
    }
    all_ok = scp_row(dir / "payload.bin", dir / "scp-copy.bin", want, e2e_tcp_mb_s, size) && all_ok;
    fs::remove_all(dir);
    return all_ok ? 0 : 1;
}
