// A CPU quota for each of some processes (bench_cluster): on one machine
// relay nodes cannot add CPU, so to see what a node adds, each node gets a
// fixed share of a core, as a node of its own would have a machine of its
// own, while HAProxy, Redis and the load generator stay unconstrained.
// cgroup v1 (cpu controller at /sys/fs/cgroup/cpu, writable: root): one
// child cgroup per process, cpu.cfs_quota_us = cores x cpu.cfs_period_us.
// Quotas last as long as the object; the processes go back to the bench's
// own cgroup and the child cgroups are removed at destruction.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

namespace cluster_bench {

class CpuQuotas {
public:
    // `cores` per process (0.25: a quarter of a core). If cgroups cannot be
    // used, nothing is limited and why() says why.
    CpuQuotas(const std::vector<pid_t>& pids, double cores) {
        parent_ = own_cpu_cgroup();
        if (parent_.empty()) {
            why_ = "no cgroup v1 cpu controller at " + std::string(kRoot) + " (cgroup v2 or not mounted)";
            return;
        }
        const long period = 100000;  // us: the kernel's default period
        for (pid_t pid : pids) {
            const std::string dir = parent_ + "/tether-bench-" + std::to_string(::getpid()) + "-" + std::to_string(pid);
            if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
                why_ = "cannot create " + dir + " (not root?)";
                break;
            }
            dirs_.push_back(dir);
            if (!write(dir + "/cpu.cfs_period_us", std::to_string(period)) ||
                !write(dir + "/cpu.cfs_quota_us", std::to_string(static_cast<long>(cores * period))) ||
                !write(dir + "/cgroup.procs", std::to_string(pid))) {
                why_ = "cannot set a quota in " + dir;
                break;
            }
            moved_.push_back(pid);
        }
        if (!why_.empty()) release();
    }
    ~CpuQuotas() { release(); }
    CpuQuotas(const CpuQuotas&) = delete;
    CpuQuotas& operator=(const CpuQuotas&) = delete;

    bool active() const { return why_.empty(); }
    const std::string& why() const { return why_; }

private:
    static constexpr const char* kRoot = "/sys/fs/cgroup/cpu";

    static bool write(const std::string& path, const std::string& value) {
        std::ofstream f(path);
        f << value << '\n';
        f.flush();
        return bool(f);
    }

    // The cpu cgroup this process runs in, as a directory; "" without v1.
    static std::string own_cpu_cgroup() {
        struct stat st{};
        if (::stat((std::string(kRoot) + "/cpu.cfs_quota_us").c_str(), &st) != 0) return "";
        std::ifstream f("/proc/self/cgroup");
        std::string line;
        while (std::getline(f, line)) {  // "ID:controllers:path"
            const auto a = line.find(':'), b = line.find(':', a + 1);
            if (a == std::string::npos || b == std::string::npos) continue;
            const std::string controllers = "," + line.substr(a + 1, b - a - 1) + ",";
            if (controllers.find(",cpu,") == std::string::npos) continue;
            const std::string path = line.substr(b + 1);
            return std::string(kRoot) + (path == "/" ? "" : path);
        }
        return "";
    }

    void release() {
        for (pid_t pid : moved_) write(parent_ + "/cgroup.procs", std::to_string(pid));  // may have exited
        moved_.clear();
        for (const auto& d : dirs_) ::rmdir(d.c_str());
        dirs_.clear();
    }

    std::string parent_, why_;
    std::vector<std::string> dirs_;
    std::vector<pid_t> moved_;
};

}  // namespace cluster_bench
