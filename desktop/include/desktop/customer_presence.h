// Platform seams that keep the customer in charge while someone controls
// their computer (issue 16): a notice on top of everything on their screen,
// and noticing their own mouse and keyboard. X11 implementations in
// x11desktop/src/x11_control_notice.cpp and x11desktop/src/x11_local_input.cpp
// (factories in x11desktop/x11.h); Windows adds its own files.
#pragma once

#include <functional>
#include <string>

namespace desktop {

// A bar across the top of the customer's screen, above every other window
// (full-screen ones too): "<supporter> is controlling your computer" with a
// Stop button. Thread-safe; show() while shown only changes the text.
class ControlNotice {
public:
    virtual ~ControlNotice() = default;
    // `on_stop` runs on the notice's own thread when the customer clicks Stop.
    virtual void show(const std::string& supporter, std::function<void()> on_stop) = 0;
    virtual void hide() = 0;
};

// What the customer's own hands do: pointer movement and key presses on
// their machine, told apart from the input the session injected for the
// supporter. F11/F12 (the consent keys) and mouse clicks do not count: the
// clicks are left to the Stop button, which needs one.
class LocalInput {
public:
    using Callback = std::function<void(const std::string& what)>;  // "moved the mouse", "pressed a key"
    virtual ~LocalInput() = default;
    // The callback runs on an internal thread, at most once per event.
    virtual void start(Callback cb) = 0;
    // Idempotent; waits for the callback thread to end.
    virtual void stop() = 0;
};

}  // namespace desktop
