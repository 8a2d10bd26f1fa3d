#include "scale.h"

#include <algorithm>
#include <cmath>

namespace desk {
namespace {

// One dimension: destination i covers source [i*r, (i+1)*r), r = n_src / n_dst.
// For each destination index, the source indices it touches and their
// weights (summing to 1), computed once per pass.
struct Tap {
    int first;
    std::vector<float> weights;
};

std::vector<Tap> taps(int n_src, int n_dst) {
    std::vector<Tap> out(n_dst);
    double r = static_cast<double>(n_src) / n_dst;
    for (int i = 0; i < n_dst; ++i) {
        double a = i * r, b = std::min<double>(n_src, (i + 1) * r);
        int first = static_cast<int>(std::floor(a)), last = std::min(n_src - 1, static_cast<int>(std::ceil(b)) - 1);
        out[i].first = first;
        for (int s = first; s <= last; ++s)
            out[i].weights.push_back(static_cast<float>((std::min<double>(s + 1, b) - std::max<double>(s, a)) / (b - a)));
    }
    return out;
}

// Applies `t` along one axis: `count` lines, element k of line j at
// base(j) + k * step (in pixels), 3 channels each.
template <typename Src, typename Dst>
void pass(const Src* src, Dst* dst, const std::vector<Tap>& t, int count, int src_line, int src_step, int dst_line,
          int dst_step) {
    for (int j = 0; j < count; ++j)
        for (std::size_t i = 0; i < t.size(); ++i) {
            float acc[3] = {0, 0, 0};
            for (std::size_t k = 0; k < t[i].weights.size(); ++k) {
                const Src* p = src + (static_cast<std::size_t>(j) * src_line + (t[i].first + k) * src_step) * 3;
                for (int c = 0; c < 3; ++c) acc[c] += t[i].weights[k] * p[c];
            }
            Dst* q = dst + (static_cast<std::size_t>(j) * dst_line + i * dst_step) * 3;
            for (int c = 0; c < 3; ++c) q[c] = static_cast<Dst>(acc[c]);
        }
}

}  // namespace

void scale_area(const std::vector<unsigned char>& src, int sw, int sh, std::vector<unsigned char>& dst, int dw,
                int dh) {
    // Rows first into floats (no rounding between the passes), then columns.
    std::vector<float> mid(static_cast<std::size_t>(dw) * sh * 3);
    pass(src.data(), mid.data(), taps(sw, dw), sh, sw, 1, dw, 1);
    std::vector<float> out(static_cast<std::size_t>(dw) * dh * 3);
    pass(mid.data(), out.data(), taps(sh, dh), dw, 1, dw, 1, dw);
    dst.resize(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) dst[i] = static_cast<unsigned char>(std::lround(std::clamp(out[i], 0.f, 255.f)));
}

}  // namespace desk
