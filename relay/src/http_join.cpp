// The customers' pages (docs/RELAY.md "Join page"): `/` with its script and
// style, `/join?code=` (the no-script way to the tether:// link) and the
// client builds in --downloads-dir under `/downloads/`. What is shown is
// join_page.cpp's; this file adapts it to HTTP.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_context.h"
#include "join_page.h"

namespace relay {
namespace {

// A download is sent in pieces of this size: memory per download stays
// bounded whatever the file's size, and a piece is a few TLS records.
constexpr std::size_t kDownloadPiece = 64 * 1024;

// Headers every page and asset of the join page carries.
void harden(Response& res, const char* type) {
    res.set(http::field::content_type, type);
    res.set("Content-Security-Policy", kJoinPagePolicy);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set(http::field::cache_control, "no-store");
}

Response page(std::string body, const char* type) {
    Response res{http::status::ok, 11};
    harden(res, type);
    res.body() = std::move(body);
    return res;
}

Response redirect(const std::string& location) {
    Response res{http::status::see_other, 11};
    harden(res, "text/plain; charset=utf-8");
    res.set(http::field::location, location);
    return res;
}

// One open file of the downloads directory, read in pieces as the
// connection asks for them.
class FileSource : public ChunkSource {
public:
    explicit FileSource(int fd) : fd_(fd) {}
    ~FileSource() override { finished(); }
    void next(std::function<void(std::string)> give) override {
        std::string piece(kDownloadPiece, '\0');
        const ssize_t n = fd_ < 0 ? 0 : ::read(fd_, piece.data(), piece.size());
        piece.resize(n > 0 ? static_cast<std::size_t>(n) : 0);  // 0: the end (or a read error: cut short)
        give(std::move(piece));
    }
    void finished() override {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// The regular file `name` directly inside `dir`, opened without following a
// symlink; -1 if there is none. `size` gets its size.
int open_download(const std::string& dir, const std::string& name, std::uint64_t& size) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    const int fd = ::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    ::close(dfd);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return -1;
    }
    size = static_cast<std::uint64_t>(st.st_size);
    return fd;
}

}  // namespace

void serve_join_page(HttpContext& cx, Exchange ex) {
    ex.respond(page(render_join_page(list_downloads(cx.config.downloads_dir)), "text/html; charset=utf-8"));
}

void serve_join_script(HttpContext&, Exchange ex) { ex.respond(page(std::string(join_script()), "text/javascript; charset=utf-8")); }

void serve_join_style(HttpContext&, Exchange ex) { ex.respond(page(std::string(join_style()), "text/css; charset=utf-8")); }

// The form's target without script: a valid code goes on to its tether://
// link, anything else back to the page. Nothing of the request is echoed.
void join_redirect(HttpContext&, Exchange ex) {
    const auto& params = ex.request().params;
    const auto it = params.find("code");
    std::string code;
    if (it != params.end()) {
        // Spaces between the digit groups ("482 913" as the desk shows it)
        // arrive as '+' (the form) or "%20"; parameters are not decoded.
        const std::string& v = it->second;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v.compare(i, 3, "%20") == 0) i += 2;
            else if (v[i] != '+') code.push_back(v[i]);
        }
    }
    const auto link = join_link(code);
    ex.respond(redirect(link ? *link : "/"));
}

void serve_download(HttpContext& cx, Exchange ex) {
    const std::string& path = ex.request().path;
    const std::string name = path.substr(std::string_view(kDownloadsPrefix).size());
    if (name.empty()) return ex.respond(redirect("/"));  // the list is on the join page
    std::uint64_t size = 0;
    const int fd = safe_download_name(name) ? open_download(cx.config.downloads_dir, name, size) : -1;
    if (fd < 0) return ex.respond(error_response(ApiError::not_found));
    Response head{http::status::ok, 11};
    harden(head, download_content_type(name).c_str());
    head.set(http::field::content_disposition, "attachment; filename=\"" + name + "\"");
    head.set("X-Tether-Download-Bytes", std::to_string(size));
    ex.stream(std::move(head), std::make_shared<FileSource>(fd));
}

}  // namespace relay
