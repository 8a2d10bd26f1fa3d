// A plain HTTP server on 127.0.0.1:<ephemeral port> that serves fixed
// bodies by path (a PAC file, say) and records what it was asked, until it
// is destroyed. Unknown paths get 404.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

class FileServer {
public:
    // path ("/proxy.pac") -> body; served with `content_type`.
    explicit FileServer(std::map<std::string, std::string> files,
                        std::string content_type = "application/x-ns-proxy-autoconfig");
    ~FileServer();
    int port() const;
    std::string url(const std::string& path) const;  // "http://127.0.0.1:<port><path>"
    // "GET /proxy.pac 200 UA <User-Agent>" per request, in order.
    std::vector<std::string> seen() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
