#include "relay/duration_histogram.h"

#include <sstream>

namespace relay {

void DurationHistogram::observe(std::chrono::duration<double> d) {
    double s = d.count() < 0 ? 0 : d.count();
    for (std::size_t i = 0; i < kBounds.size(); ++i)
        if (s <= kBounds[i]) {
            ++buckets_[i];
            break;
        }
    ++count_;
    sum_ += s;
}

std::string DurationHistogram::render(const std::string& name, const std::string& help) const {
    std::ostringstream o;
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += buckets_[i];
        o << name << "_bucket{le=\"" << kBounds[i] << "\"} " << cumulative << '\n';
    }
    o << name << "_bucket{le=\"+Inf\"} " << count_ << '\n';
    o << name << "_sum " << sum_ << '\n';
    o << name << "_count " << count_ << '\n';
    return o.str();
}

}  // namespace relay
