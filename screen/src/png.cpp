#include "screen/png.h"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include <png.h>

namespace screen {
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

File open_file(const std::string& path, const char* mode) {
    File f(std::fopen(path.c_str(), mode), &std::fclose);
    if (!f) throw std::runtime_error("cannot open " + path);
    return f;
}

std::vector<png_byte> rgb_row(const desktop::Frame& f, int y) {
    std::vector<png_byte> row(static_cast<std::size_t>(f.width) * 3);
    for (int x = 0; x < f.width; ++x) {
        std::uint32_t p = f.at(x, y);
        row[x * 3] = (p >> 16) & 0xff;
        row[x * 3 + 1] = (p >> 8) & 0xff;
        row[x * 3 + 2] = p & 0xff;
    }
    return row;
}

}  // namespace

void write_png(const std::string& path, const desktop::Frame& f) {
    std::string tmp = path + ".tmp";
    {
        File file = open_file(tmp, "wb");
        png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
        png_infop info = png_create_info_struct(png);
        if (setjmp(png_jmpbuf(png))) {
            png_destroy_write_struct(&png, &info);
            throw std::runtime_error("cannot write " + path);
        }
        png_init_io(png, file.get());
        png_set_IHDR(png, info, f.width, f.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < f.height; ++y) png_write_row(png, rgb_row(f, y).data());
        png_write_end(png, nullptr);
        png_destroy_write_struct(&png, &info);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename to " + path);
}

desktop::Frame read_png(const std::string& path) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path.c_str())) throw std::runtime_error("not a PNG: " + path);
    img.format = PNG_FORMAT_BGRA;  // little-endian 0xAARRGGBB words = our layout + alpha
    desktop::Frame f;
    f.width = img.width;
    f.height = img.height;
    f.pixels.resize(static_cast<std::size_t>(f.width) * f.height);
    if (!png_image_finish_read(&img, nullptr, f.pixels.data(), 0, nullptr))
        throw std::runtime_error("cannot read " + path);
    for (auto& p : f.pixels) p &= 0xffffff;
    return f;
}

}  // namespace screen
