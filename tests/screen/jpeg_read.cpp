#include "jpeg_read.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include <jpeglib.h>

namespace screentest {

desktop::Frame read_jpeg(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open " + path);
    jpeg_decompress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    desktop::Frame fr;
    fr.width = cinfo.output_width;
    fr.height = cinfo.output_height;
    fr.pixels.resize(static_cast<std::size_t>(fr.width) * fr.height);
    std::vector<unsigned char> row(fr.width * 3);
    while (cinfo.output_scanline < cinfo.output_height) {
        int y = cinfo.output_scanline;
        unsigned char* p = row.data();
        jpeg_read_scanlines(&cinfo, &p, 1);
        for (int x = 0; x < fr.width; ++x)
            fr.pixels[static_cast<std::size_t>(y) * fr.width + x] = (row[x * 3] << 16) | (row[x * 3 + 1] << 8) | row[x * 3 + 2];
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    std::fclose(f);
    return fr;
}

}  // namespace screentest
