// The platform-neutral parts of file_io.h.
#include "file_io.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace files {

File& File::operator=(File&& o) noexcept {
    if (this != &o) {
        close();
        h_ = o.h_;
        o.h_ = kNone;
    }
    return *this;
}

void hash_prefix(const File& f, std::uint64_t len, Sha256& h) {
    std::vector<char> buf(1 << 20);
    for (std::uint64_t pos = 0; pos < len;) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), len - pos));
        std::size_t n = 0;
        try {
            n = f.read_at(buf.data(), want, pos);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("cannot read the file: ") + e.what());
        }
        if (n == 0) throw std::runtime_error("the file is shorter than expected");
        h.update(buf.data(), n);
        pos += n;
    }
}

std::string no_space_text(std::uint64_t more) {
    return "not enough free space in the download folder for " + std::to_string(more) + " more bytes";
}

std::string sha256_file_hex(const std::string& path) {
    File f = File::open_read(path);
    Sha256 h;
    hash_prefix(f, f.size(), h);
    return to_hex(h.finish());
}

}  // namespace files
