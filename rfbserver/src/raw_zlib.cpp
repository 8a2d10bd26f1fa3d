#include <stdexcept>

#include "rfbserver/encodings.h"
#include "wire/big_endian.h"

namespace rfbserver {

void encode_raw(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out) {
    out.reserve(out.size() + static_cast<std::size_t>(r.w) * r.h * pc.bytes());
    for (int y = r.y; y < r.y + r.h; ++y)
        for (int x = r.x; x < r.x + r.w; ++x) pc.put(pc.value(f.at(x, y)), out);
}

Deflater::Deflater(int level) : level_(level) {
    if (deflateInit(&zs_, level) != Z_OK) throw std::runtime_error("zlib: deflateInit failed");
}

Deflater::~Deflater() { deflateEnd(&zs_); }

void Deflater::set_level(int level) {
    level_changed_ = level != level_;
    level_ = level;
}

void Deflater::compress(const std::string& in, std::string& out) {
    if (level_changed_) {
        deflateParams(&zs_, level_, Z_DEFAULT_STRATEGY);  // flushes what came before at the old level
        level_changed_ = false;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    // deflateBound plus the sync marker and slack: one pass nearly always.
    std::size_t room = deflateBound(&zs_, static_cast<uLong>(in.size())) + 64;
    do {
        std::size_t used = out.size();
        out.resize(used + room);
        zs_.next_out = reinterpret_cast<Bytef*>(&out[used]);
        zs_.avail_out = static_cast<uInt>(room);
        if (deflate(&zs_, Z_SYNC_FLUSH) == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
        out.resize(used + room - zs_.avail_out);
    } while (zs_.avail_out == 0);
}

// The length comes first, so the payload is built aside and appended.
void ZlibEncoder::encode(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out) {
    raw_.clear();
    encode_raw(f, r, pc, raw_);
    std::string z;
    z_.compress(raw_, z);
    wire::append_be(out, z.size(), 4);
    out += z;
}

void encode_rich_cursor(const desktop::PointerShape& s, const PixelConverter& pc, std::string& out) {
    for (std::uint32_t argb : s.argb) pc.put(pc.value(argb & 0xffffff), out);
    int row_bytes = (s.width + 7) / 8;
    for (int y = 0; y < s.height; ++y) {
        std::string row(static_cast<std::size_t>(row_bytes), '\0');
        for (int x = 0; x < s.width; ++x)
            if ((s.argb[static_cast<std::size_t>(y) * s.width + x] >> 24) >= 128)
                row[static_cast<std::size_t>(x / 8)] |= static_cast<char>(0x80 >> (x % 8));
        out += row;
    }
}

}  // namespace rfbserver
