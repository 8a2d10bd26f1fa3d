// make_fd_stream on POSIX sockets (Linux, macOS).
#include "session/fd_stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace session {
namespace {

class FdStream : public ByteStream {
public:
    explicit FdStream(int fd) : fd_(fd) {}
    ~FdStream() override { ::close(fd_); }

    std::size_t read(void* buf, std::size_t len) override {
        for (;;) {
            ssize_t n = ::recv(fd_, buf, len, 0);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            if (closed_) return 0;
            throw StreamError(std::string("socket read failed: ") + std::strerror(errno));
        }
    }

    void write(const void* buf, std::size_t len) override {
        const char* p = static_cast<const char*>(buf);
        while (len > 0) {
            ssize_t n = ::send(fd_, p, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw StreamError(std::string("socket write failed: ") + std::strerror(errno));
            p += n;
            len -= static_cast<std::size_t>(n);
        }
    }

    void shutdown_write() override { ::shutdown(fd_, SHUT_WR); }

    void close() override {
        closed_ = true;
        ::shutdown(fd_, SHUT_RDWR);  // wakes blocked recv/send; fd closed in the destructor
    }

private:
    int fd_;
    std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<ByteStream> make_fd_stream(int fd) { return std::make_unique<FdStream>(fd); }

}  // namespace session
