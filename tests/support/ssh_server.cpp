#include "support/ssh_server.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "support/net.h"

namespace test_support {
namespace {
const char* const kSshd = "/usr/sbin/sshd";
}  // namespace

std::string SshServer::unavailable() {
    return std::filesystem::exists(kSshd) ? "" : "openssh-server not installed";
}

SshServer::SshServer() {
    for (const char* key : {"host_key", "user_key"}) {
        auto k = run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tether-test", "-f", dir_.file(key)});
        if (k.code != 0) throw std::runtime_error("ssh-keygen: " + k.output);
    }
    dir_.write("authorized_keys", read_file(dir_.file("user_key.pub")));
    ::chmod(dir_.file("authorized_keys").c_str(), 0600);
    // sshd's compiled-in privilege separation directory (normally made by systemd).
    if (!std::filesystem::exists("/run/sshd")) {
        std::filesystem::create_directories("/run/sshd");
        ::chmod("/run/sshd", 0755);
    }
    port_ = free_port();
    const std::string conf = dir_.write("sshd_config",
                                        "Port " + std::to_string(port_) + "\n"
                                        "ListenAddress 127.0.0.1\n"
                                        "HostKey " + dir_.file("host_key") + "\n"
                                        "PidFile " + dir_.file("sshd.pid") + "\n"
                                        "AuthorizedKeysFile " + dir_.file("authorized_keys") + "\n"
                                        "PermitRootLogin prohibit-password\n"
                                        "PasswordAuthentication no\n"
                                        "KbdInteractiveAuthentication no\n"
                                        "UsePAM no\n"
                                        "StrictModes no\n"
                                        "Subsystem sftp internal-sftp\n");
    ProcessOptions po;
    po.argv = {kSshd, "-D", "-e", "-f", conf};
    po.stdin_path = "/dev/null";
    sshd_ = std::make_unique<Process>(po);
    sshd_->wait_for_line(Process::Stream::err, "Server listening on 127\\.0\\.0\\.1", std::chrono::seconds(10));
    const passwd* pw = ::getpwuid(::getuid());  // sshd as non-root serves only its own user
    if (pw) user_ = pw->pw_name;
}

SshServer::~SshServer() {
    if (sshd_) sshd_->kill_group();
}

std::vector<std::string> SshServer::scp_argv(const std::string& from, const std::string& to, bool verbose) const {
    std::vector<std::string> a = {"scp"};
    if (verbose) a.push_back("-v");
    for (const char* opt : {"StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "BatchMode=yes",
                            "IdentitiesOnly=yes"}) {
        a.push_back("-o");
        a.push_back(opt);
    }
    a.insert(a.end(), {"-i", dir_.file("user_key"), "-P", std::to_string(port_), from, user_ + "@127.0.0.1:" + to});
    return a;
}

}  // namespace test_support
