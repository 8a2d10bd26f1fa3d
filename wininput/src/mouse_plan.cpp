#include "wininput/mouse_plan.h"

#include <algorithm>

namespace wininput {
namespace {

constexpr int kWheelDelta = 120;  // WHEEL_DELTA: one notch
constexpr int kNormalMax = 65535;

}  // namespace

std::vector<MouseButton> button_changes(int old_mask, int new_mask) {
    using K = MouseButton::Kind;
    struct Bit {
        int bit;
        K down, up;
    };
    static constexpr Bit kButtons[] = {
        {1 << 0, K::left_down, K::left_up}, {1 << 1, K::middle_down, K::middle_up}, {1 << 2, K::right_down, K::right_up}};
    std::vector<MouseButton> out;
    for (const auto& b : kButtons) {
        bool was = old_mask & b.bit, now = new_mask & b.bit;
        if (was != now) out.push_back({now ? b.down : b.up, 0});
    }
    auto notch = [&](int bit, K kind, int delta) {
        if ((new_mask & bit) && !(old_mask & bit)) out.push_back({kind, delta});
    };
    notch(1 << 3, K::wheel, kWheelDelta);
    notch(1 << 4, K::wheel, -kWheelDelta);
    notch(1 << 5, K::hwheel, -kWheelDelta);
    notch(1 << 6, K::hwheel, kWheelDelta);
    return out;
}

int normalized(int pixel, int origin, int extent) {
    if (extent <= 0) return 0;
    long long p = std::clamp(pixel - origin, 0, extent - 1);
    // The smallest n with floor(n * extent / 65536) == p.
    long long n = (p * 65536 + extent - 1) / extent;
    return static_cast<int>(std::min<long long>(n, kNormalMax));
}

}  // namespace wininput
