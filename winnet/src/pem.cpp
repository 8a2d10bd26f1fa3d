// PEM certificate files (the --ca option).
#include "tls.h"

#include <fstream>
#include <sstream>

#include "http1/http1.h"

namespace winnet {

std::vector<std::string> read_pem_certificates(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TrustError{"cannot read the CA file '" + path + "': check the --ca path"};
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
    std::vector<std::string> out;
    for (std::size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at)) {
        std::size_t stop = text.find(end, at);
        if (stop == std::string::npos) break;
        std::string b64;
        for (std::size_t i = at + begin.size(); i < stop; ++i)
            if (text[i] != '\r' && text[i] != '\n' && text[i] != ' ' && text[i] != '\t') b64 += text[i];
        try {
            out.push_back(http1::base64_decode(b64));
        } catch (const http1::ParseError&) {
            throw TrustError{"the CA file '" + path + "' holds a damaged certificate"};
        }
        at = stop + end.size();
    }
    return out;
}

}  // namespace winnet
