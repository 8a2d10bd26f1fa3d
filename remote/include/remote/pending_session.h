// A session between its creation and the end of its end-to-end handshake,
// through the wait for the peer (as long as the code lives), that cancel()
// from any thread aborts. The connectors of both platforms use it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "remote/channels.h"

namespace remote {

class PendingSession {
public:
    void begin();  // a new attempt: not cancelled
    // Runs `secure` (wait for the peer, then the handshake) while cancel()
    // may call `abort` (close or end the session under it: the wait and the
    // handshake then throw). nullptr when cancelled before or during it;
    // otherwise what `secure` returns or throws. `abort` must stay callable
    // until this returns, and keep alive what it touches: `secure` may destroy
    // the session it was given (a failed handshake) while an abort is still
    // running (the connectors give it a share, session::share).
    std::unique_ptr<SessionLink> run(const std::function<void()>& abort,
                                     const std::function<std::unique_ptr<SessionLink>()>& secure);
    // false once cancelled: the caller stops before it shows anything more.
    bool still_wanted();
    void cancel();

private:
    std::mutex mu_;
    const std::function<void()>* abort_ = nullptr;  // during run()
    bool cancelled_ = false;
};

}  // namespace remote
