#include "cpu_allowance.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace relay {
namespace {

// The first whitespace-separated words of a small file; empty if unreadable.
std::vector<std::string> words(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string w;
    while (out.size() < 4 && in >> w) out.push_back(w);
    return out;
}

long long number(const std::string& s) {
    try {
        return std::stoll(s);
    } catch (const std::exception&) {
        return -1;  // "max" or garbage: no quota
    }
}

}  // namespace

unsigned cores_within_quota(unsigned cores, long long quota_us, long long period_us) {
    if (quota_us <= 0 || period_us <= 0) return cores;
    const long long n = (quota_us + period_us - 1) / period_us;
    return static_cast<unsigned>(std::max(1LL, std::min<long long>(cores, n)));
}

unsigned allowed_cores(unsigned cores, const std::string& proc_self_cgroup, const std::string& cgroup_root) {
    std::ifstream in(proc_self_cgroup);
    std::string line;
    while (std::getline(in, line)) {
        const auto a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (line.compare(0, a, "0") == 0 && controllers.empty()) {  // v2
            const auto w = words(cgroup_root + path + "/cpu.max");
            if (w.size() == 2) cores = cores_within_quota(cores, number(w[0]), number(w[1]));
            continue;
        }
        std::istringstream names(controllers);
        std::string name;
        while (std::getline(names, name, ','))
            if (name == "cpu")
                for (const std::string dir : {"/cpu", "/cpu,cpuacct"}) {
                    const auto q = words(cgroup_root + dir + path + "/cpu.cfs_quota_us");
                    const auto p = words(cgroup_root + dir + path + "/cpu.cfs_period_us");
                    if (q.size() == 1 && p.size() == 1) {
                        cores = cores_within_quota(cores, number(q[0]), number(p[0]));
                        break;
                    }
                }
    }
    return cores;
}

}  // namespace relay
