// A private sshd on 127.0.0.1 for baselines (scp against a file transfer):
// a child of ours on a free port, with a throwaway ed25519 host key and a
// throwaway authorized user key in a temporary folder, `UsePAM no`, the
// internal sftp server. Stopped (its process group) by the destructor.
// Needs openssh-server and openssh-client (scripts/setup.sh).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

class SshServer {
public:
    // "" if sshd can run here, else why not ("openssh-server not installed").
    static std::string unavailable();
    // Throws std::runtime_error when sshd does not start.
    SshServer();
    ~SshServer();
    SshServer(const SshServer&) = delete;
    SshServer& operator=(const SshServer&) = delete;

    pid_t pid() const { return sshd_->pid(); }
    int port() const { return port_; }
    // `scp` copying the local `from` to `to` (an absolute path on this
    // machine) through this server, non-interactive; `verbose` adds -v
    // (the negotiated cipher appears in its output).
    std::vector<std::string> scp_argv(const std::string& from, const std::string& to, bool verbose = false) const;

private:
    TempDir dir_{"tether-sshd"};
    int port_ = 0;
    std::string user_ = "root";
    std::unique_ptr<Process> sshd_;
};

}  // namespace test_support
