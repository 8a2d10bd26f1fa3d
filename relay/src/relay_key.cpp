#include "relay/relay_key.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "e2e/request_auth.h"
#include "platform/dirs.h"

namespace relay {
namespace {

RelayKey from_secret(const e2e::Key& secret) {
    RelayKey k;
    k.secret = secret;
    k.public_key = e2e::x25519_public(secret);
    return k;
}

}  // namespace

RelayKey fresh_relay_key() {
    e2e::Key secret{};
    e2e::random_bytes(secret.data(), secret.size());
    RelayKey k = from_secret(secret);
    e2e::wipe(secret);
    return k;
}

RelayKey load_or_create_relay_key(const std::string& path) {
    std::ifstream in(path);
    if (in) {
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            auto secret = e2e::key_from_hex(line);
            if (!secret)
                throw std::runtime_error("the request key file " + path +
                                         " does not hold 64 hex digits (delete it to make a new key; endpoints "
                                         "must then pin the new public key)");
            return from_secret(*secret);
        }
        throw std::runtime_error("the request key file " + path + " is empty (delete it to make a new key)");
    }
    const auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0) platform::make_private_dirs(path.substr(0, slash));
    RelayKey k = fresh_relay_key();
    const mode_t old = ::umask(077);
    std::ofstream out(path, std::ios::trunc);
    ::umask(old);
    out << "# tether-relay request key (private: keep 0600). Public key: " << e2e::to_hex(k.public_key) << "\n"
        << e2e::to_hex(k.secret) << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write the request key file " + path);
    return k;
}

}  // namespace relay
