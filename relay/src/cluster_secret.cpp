#include "cluster_secret.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cctype>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace relay {
namespace {

// A secret an attacker cannot enumerate: 16 characters is ~95 bits from
// `openssl rand -base64 32`-style output (docs/RELAY.md makes 32 bytes).
constexpr std::size_t kMinSecretChars = 16;

}  // namespace

std::string load_cluster_secret(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::invalid_argument(path + " does not exist: make it with `openssl rand -base64 32 > FILE; chmod 600 FILE` and copy it to every node");
    if (st.st_mode & 077) throw std::invalid_argument(path + " is readable by others: chmod 600 it (it authenticates the cluster's nodes)");
    std::ifstream in(path);
    if (!in) throw std::invalid_argument(path + " cannot be read by this user");
    std::ostringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    if (s.size() < kMinSecretChars)
        throw std::invalid_argument(path + " holds fewer than 16 characters: use `openssl rand -base64 32`");
    return s;
}

bool secret_equal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace relay
