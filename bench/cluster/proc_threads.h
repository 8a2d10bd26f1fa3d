// Where a relay node's CPU goes, per thread (bench_cluster step 1): CPU
// seconds and context switches of every thread of some processes, summed by
// thread name (/proc/PID/task/TID/comm: the relay names its threads
// relay-io, cluster-beat, cluster-joins). Linux only; a process or thread
// that vanished counts nothing.
#pragma once

#include <unistd.h>

#include <dirent.h>
#include <sys/types.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_client.h"  // relay_bench: /proc status and stat files

namespace cluster_bench {

struct ThreadUse {
    double cpu_s = 0;   // time on a CPU (schedstat, ns precision; stat's clock ticks are 10 ms)
    long waits = 0;     // voluntary context switches: the thread blocked (epoll, a mutex, a socket read)
    long preempted = 0; // involuntary ones: preempted, or stopped by its CPU quota
};

using ThreadUses = std::map<std::string, ThreadUse>;  // by thread name

using relay_bench::proc_file;

// schedstat's first field: nanoseconds on a CPU; else stat's ticks.
inline double task_cpu(const std::string& dir) {
    const std::string sched = proc_file(dir + "/schedstat");
    if (!sched.empty()) return double(std::atoll(sched.c_str())) / 1e9;
    return relay_bench::stat_cpu_seconds(proc_file(dir + "/stat"));
}

inline ThreadUses thread_uses(const std::vector<pid_t>& pids) {
    ThreadUses out;
    for (pid_t pid : pids) {
        const std::string dir = "/proc/" + std::to_string(pid) + "/task";
        DIR* d = ::opendir(dir.c_str());
        if (!d) continue;
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] == '.') continue;
            const std::string t = dir + "/" + e->d_name;
            std::string name = proc_file(t + "/comm");
            while (!name.empty() && name.back() == '\n') name.pop_back();
            ThreadUse& u = out[name];
            u.cpu_s += task_cpu(t);
            const std::string status = proc_file(t + "/status");
            u.waits += relay_bench::status_value(status, "voluntary_ctxt_switches");
            u.preempted += relay_bench::status_value(status, "nonvoluntary_ctxt_switches");
        }
        ::closedir(d);
    }
    return out;
}

// b - a, name by name (a thread that appeared in between counts from 0).
inline ThreadUses minus(const ThreadUses& b, const ThreadUses& a) {
    ThreadUses out = b;
    for (const auto& [name, u] : a) {
        out[name].cpu_s -= u.cpu_s;
        out[name].waits -= u.waits;
        out[name].preempted -= u.preempted;
    }
    return out;
}

// All threads' CPU seconds of `pids` (ns precision).
inline double cpu_total(const std::vector<pid_t>& pids) {
    double s = 0;
    for (const auto& [name, u] : thread_uses(pids)) s += u.cpu_s;
    return s;
}

// Redis calls by command from INFO commandstats ("cmdstat_get:calls=3,...").
inline std::map<std::string, long> redis_calls(const std::string& info) {
    std::map<std::string, long> out;
    std::istringstream in(info);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("cmdstat_", 0) != 0) continue;
        const auto colon = line.find(':'), calls = line.find("calls=");
        if (colon == std::string::npos || calls == std::string::npos) continue;
        out[line.substr(8, colon - 8)] = std::atol(line.c_str() + calls + 6);
    }
    return out;
}

}  // namespace cluster_bench
