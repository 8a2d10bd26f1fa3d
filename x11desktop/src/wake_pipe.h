// Wakes a thread sleeping in poll() on its X connection: poll the read end
// beside ConnectionNumber(), call wake() from any thread. Internal to x11desktop/.
#pragma once

#include <stdexcept>

#include <unistd.h>

namespace x11desktop {

class WakePipe {
public:
    WakePipe() {
        if (pipe(fds_) != 0) throw std::runtime_error("pipe failed");
    }
    ~WakePipe() {
        close(fds_[0]);
        close(fds_[1]);
    }
    WakePipe(const WakePipe&) = delete;
    WakePipe& operator=(const WakePipe&) = delete;

    int fd() const { return fds_[0]; }  // readable after wake()
    void wake() {
        char b = 0;
        (void)!write(fds_[1], &b, 1);
    }
    void drain() {
        char tmp[64];
        (void)!read(fds_[0], tmp, sizeof tmp);
    }

private:
    int fds_[2];
};

}  // namespace x11desktop
