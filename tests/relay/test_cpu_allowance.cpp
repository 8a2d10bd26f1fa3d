// cpu_allowance.h: --io-threads 0 follows the cgroup's CPU quota (v1 and v2)
// read from a fake /proc/self/cgroup and cgroup tree.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cpu_allowance.h"

using relay::allowed_cores;
using relay::cores_within_quota;
namespace fs = std::filesystem;

namespace {

struct FakeTree {
    fs::path root;
    FakeTree() {
        char tmpl[] = "/tmp/tether-cpu-allowance-XXXXXX";
        root = ::mkdtemp(tmpl);
    }
    ~FakeTree() { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel) << text;
    }
    std::string cgroup() const { return (root / "proc-self-cgroup").string(); }
    std::string sys() const { return (root / "sys").string(); }
};

}  // namespace

TEST_CASE("a quota is rounded up to whole cores, at least 1, at most the machine's") {
    CHECK(cores_within_quota(8, 5000, 100000) == 1);     // 0.05 core
    CHECK(cores_within_quota(8, 150000, 100000) == 2);   // 1.5 cores
    CHECK(cores_within_quota(8, 200000, 100000) == 2);
    CHECK(cores_within_quota(2, 400000, 100000) == 2);   // more than the machine has
    CHECK(cores_within_quota(8, -1, 100000) == 8);       // v1 "no quota"
    CHECK(cores_within_quota(8, 5000, 0) == 8);
}

TEST_CASE("cgroup v2: cpu.max of the process's cgroup") {
    FakeTree t;
    t.write("proc-self-cgroup", "0::/system.slice/tether-relay.service\n");
    t.write("sys/system.slice/tether-relay.service/cpu.max", "150000 100000\n");
    CHECK(allowed_cores(16, t.cgroup(), t.sys()) == 2);
    t.write("sys/system.slice/tether-relay.service/cpu.max", "max 100000\n");
    CHECK(allowed_cores(16, t.cgroup(), t.sys()) == 16);
}

TEST_CASE("cgroup v1: cpu.cfs_quota_us under cpu or cpu,cpuacct") {
    FakeTree t;
    t.write("proc-self-cgroup", "4:memory:/x\n2:cpu,cpuacct:/node0\n0::/\n");
    t.write("sys/cpu,cpuacct/node0/cpu.cfs_quota_us", "5000\n");
    t.write("sys/cpu,cpuacct/node0/cpu.cfs_period_us", "100000\n");
    CHECK(allowed_cores(2, t.cgroup(), t.sys()) == 1);
    t.write("sys/cpu/node0/cpu.cfs_quota_us", "-1\n");
    t.write("sys/cpu/node0/cpu.cfs_period_us", "100000\n");
    CHECK(allowed_cores(2, t.cgroup(), t.sys()) == 2);  // cpu/ first: no quota there
}

TEST_CASE("no cgroup information: the machine's cores") {
    FakeTree t;
    CHECK(allowed_cores(4, t.cgroup(), t.sys()) == 4);  // no /proc/self/cgroup
    t.write("proc-self-cgroup", "garbage\n1:cpu:/gone\n0::/gone\n");
    CHECK(allowed_cores(4, t.cgroup(), t.sys()) == 4);  // files missing
    t.write("sys/gone/cpu.max", "lots of words here\n");
    CHECK(allowed_cores(4, t.cgroup(), t.sys()) == 4);
}
