// What the X11 injector sent for the supporter, so that the watcher of the
// customer's own input (x11_local_input.cpp) can tell it apart: on X11 the
// injected events come from the XTEST device, as do xdotool's and other
// automation's, so the device alone does not say whose hand it was.
// Internal to x11desktop/; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "desktop/injection_record.h"
#include "desktop/platform.h"

namespace x11desktop {

class InjectedInput {
public:
    // Recorded just before the event is sent to the X server.
    void motion(int x, int y) { record_.add(Kind::motion, x, y); }
    void key(unsigned keycode) { record_.add(Kind::key, static_cast<int>(keycode), 0); }
    // True (and forgotten: each event we sent explains one event seen) if
    // the event seen matches one we sent, exactly.
    bool was_motion(int x, int y) { return record_.sent(Kind::motion, x, y, {}); }
    bool was_key(unsigned keycode) { return record_.sent(Kind::key, static_cast<int>(keycode), 0, {}); }

private:
    using Kind = desktop::InjectionRecord::Kind;
    desktop::InjectionRecord record_;
};

// An XTest injector that tells `sent` about every event (x11_input.cpp).
std::unique_ptr<desktop::InputInjector> make_x11_injector(const std::string& display, std::shared_ptr<InjectedInput> sent);

}  // namespace x11desktop
