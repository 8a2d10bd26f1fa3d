#include "support/file_server.h"

#include <httplib.h>

#include <mutex>
#include <thread>

namespace test_support {

struct FileServer::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mu;
    std::vector<std::string> seen;
};

FileServer::FileServer(std::map<std::string, std::string> files, std::string content_type)
    : impl_(std::make_unique<Impl>()) {
    impl_->server.Get(".*", [files, content_type](const httplib::Request& req, httplib::Response& res) {
        auto it = files.find(req.path);
        if (it == files.end()) res.status = 404;
        else res.set_content(it->second, content_type.c_str());
    });
    impl_->server.set_logger([impl = impl_.get()](const httplib::Request& req, const httplib::Response& res) {
        std::lock_guard<std::mutex> lock(impl->mu);
        impl->seen.push_back(req.method + " " + req.path + " " + std::to_string(res.status) + " UA " +
                             req.get_header_value("User-Agent"));
    });
    impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
    impl_->thread = std::thread([impl = impl_.get()] { impl->server.listen_after_bind(); });
}

FileServer::~FileServer() {
    impl_->server.stop();
    impl_->thread.join();
}

int FileServer::port() const { return impl_->port; }

std::string FileServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

std::vector<std::string> FileServer::seen() const {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return impl_->seen;
}

}  // namespace test_support
