// The cores this process may keep busy, for --io-threads 0: the machine's,
// or fewer when the CPU quota of its own cgroup allows fewer (a container
// with a CPU limit, systemd's CPUQuota=). More io threads than that only
// hand work to each other: under a 0.05-core quota, 2 io threads made a
// create+join cost 10-20 % more relay CPU than 1 (bench/cluster/README.md).
#pragma once

#include <string>

namespace relay {

// ceil(quota / period), at least 1 and at most `cores`; `cores` when there
// is no quota (quota_us or period_us <= 0: "max", -1).
unsigned cores_within_quota(unsigned cores, long long quota_us, long long period_us);

// `cores` limited by the quota of the cgroup that `proc_self_cgroup` names:
// cgroup v2 ("0::PATH"): ROOT/PATH/cpu.max ("max 100000" or "5000 100000");
// v1 (a line "N:...,cpu,...:PATH"): ROOT/cpu/PATH/cpu.cfs_quota_us and
// cpu.cfs_period_us (or under ROOT/cpu,cpuacct). Only the process's own
// cgroup is read, not its parents'; anything unreadable counts as no quota.
unsigned allowed_cores(unsigned cores, const std::string& proc_self_cgroup = "/proc/self/cgroup",
                       const std::string& cgroup_root = "/sys/fs/cgroup");

}  // namespace relay
