#include "remote/control_channel.h"

namespace remote {

void ControlChannel::send(const Message& m) { send_line(encode(m)); }

void ControlChannel::send_line(const std::string& line) {
    std::string out = line + "\n";
    std::lock_guard<std::mutex> lk(write_mu_);
    stream_.write(out.data(), out.size());
}

std::optional<std::string> ControlChannel::next_line() {
    for (;;) {
        auto nl = buf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buf_.substr(0, nl);
            buf_.erase(0, nl + 1);
            return line;
        }
        if (buf_.size() > kMaxControlLine) throw ProtocolError("control line too long");
        char tmp[4096];
        std::size_t n = stream_.read(tmp, sizeof tmp);
        if (n == 0) return std::nullopt;
        buf_.append(tmp, n);
    }
}

std::optional<Message> ControlChannel::receive() {
    auto line = next_line();
    if (!line) return std::nullopt;
    auto m = decode(*line);
    if (!m) throw ProtocolError("malformed control message");
    return m;
}

}  // namespace remote
