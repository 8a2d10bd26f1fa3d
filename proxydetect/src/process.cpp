#include "process.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace proxydetect {

int reap_within(pid_t pid, std::chrono::milliseconds budget) {
#ifdef SYS_pidfd_open
    int pfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pfd >= 0) {
        pollfd p{pfd, POLLIN, 0};  // readable once the process has exited
        while (poll(&p, 1, static_cast<int>(budget.count())) < 0 && errno == EINTR) {}
        close(pfd);
    }
#endif
    kill(pid, SIGKILL);  // no effect on a process that already exited
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

}  // namespace proxydetect
