// The Internet Options of a wine prefix (see support/wine_internet_options.h).
#include "support/wine_internet_options.h"

#include <cstdio>
#include <stdexcept>

#include "support/process.h"

namespace test_support {

std::string internet_options_hex(unsigned flags, const std::string& proxy, const std::string& bypass,
                                 const std::string& script) {
    std::string bytes;
    auto dword = [&](unsigned v) { for (int i = 0; i < 4; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xff); };
    dword(0x46);
    dword(0);
    dword(flags);
    for (const std::string* s : {&proxy, &bypass, &script}) {
        dword(static_cast<unsigned>(s->size()));
        bytes += *s;
    }
    bytes += std::string(32, '\0');
    std::string hex;
    char two[3];
    for (unsigned char c : bytes) std::snprintf(two, sizeof two, "%02x", c), hex += two;
    return hex;
}

void set_internet_options(const std::string& wine_run, const std::string& prefix, unsigned flags,
                          const std::string& proxy, const std::string& bypass, const std::string& script) {
    ProcessOptions o;
    o.argv = {wine_run, "reg", "add",
              "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections",
              "/v", "DefaultConnectionSettings", "/t", "REG_BINARY", "/d",
              internet_options_hex(flags, proxy, bypass, script), "/f"};
    o.env["TETHER_WINEPREFIX"] = prefix;
    o.unset_env = {"DISPLAY"};
    o.stdin_path = "/dev/null";
    Process p(o);
    int code = p.wait(std::chrono::seconds(150));
    if (code != 0)
        throw std::runtime_error("wine reg add (Internet Options) in " + prefix + " exited " + std::to_string(code) +
                                 ":\n" + p.out() + p.err());
}

}  // namespace test_support
