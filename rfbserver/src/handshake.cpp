#include "rfbserver/handshake.h"

#include <cstring>

#include "rfbserver/messages.h"
#include "wire/big_endian.h"

namespace rfbserver {
namespace {

constexpr char kVersion38[] = "RFB 003.008\n";
constexpr std::size_t kVersionBytes = 12;
constexpr int kSecurityNone = 1;

void send(session::ByteStream& s, const std::string& b) { s.write(b.data(), b.size()); }

// "RFB xxx.yyy\n" -> yyy when xxx is 3 (the only major version there is).
int viewer_minor(const char* v) {
    if (std::memcmp(v, "RFB 003.", 8) != 0 || v[11] != '\n') throw ProtocolError("not an RFB viewer");
    int minor = 0;
    for (int i = 8; i < 11; ++i) {
        if (v[i] < '0' || v[i] > '9') throw ProtocolError("malformed RFB version");
        minor = minor * 10 + (v[i] - '0');
    }
    return minor;
}

// 3.3: the server names the type; 3.7 and 3.8: it offers a list and the
// viewer picks; only 3.8 sends SecurityResult after None.
bool security(session::ByteStream& s, int minor) {
    std::string out;
    if (minor < 7) {
        wire::append_be(out, kSecurityNone, 4);
        send(s, out);
        return true;
    }
    wire::append_be(out, 1, 1);
    wire::append_be(out, kSecurityNone, 1);
    send(s, out);
    unsigned char chosen = 0;
    if (!session::read_exact(s, &chosen, 1)) return false;
    if (chosen != kSecurityNone) throw ProtocolError("the viewer chose a security type we did not offer");
    if (minor >= 8) {
        out.clear();
        wire::append_be(out, 0, 4);  // SecurityResult: OK
        send(s, out);
    }
    return true;
}

}  // namespace

bool server_handshake(session::ByteStream& s, const ServerInit& init) {
    s.write(kVersion38, kVersionBytes);
    char version[kVersionBytes];
    if (!session::read_exact(s, version, kVersionBytes)) return false;
    if (!security(s, viewer_minor(version))) return false;
    unsigned char shared = 0;  // ClientInit: one viewer per session, the flag changes nothing
    if (!session::read_exact(s, &shared, 1)) return false;
    std::string out;
    wire::append_be(out, static_cast<std::uint64_t>(init.width), 2);
    wire::append_be(out, static_cast<std::uint64_t>(init.height), 2);
    append_pixel_format(out, init.format);
    wire::append_be(out, init.name.size(), 4);
    out += init.name;
    send(s, out);
    return true;
}

}  // namespace rfbserver
