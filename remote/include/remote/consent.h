// What the customer allows right now. Enforced in tether-client only: the
// desk's copy is for display, never trusted (ARCHITECTURE.md "Consent").
#pragma once

#include <functional>
#include <mutex>

namespace remote {

struct ConsentState {
    bool control = false;  // pointer and keys from the desk reach the display
    bool files = false;    // file transfer channel may be used
    bool operator==(const ConsentState& o) const { return control == o.control && files == o.files; }
    bool operator!=(const ConsentState& o) const { return !(*this == o); }
};

// Thread-safe state machine: view-only at start; F11/F12 toggle; end() drops
// every right for good (a later toggle changes nothing). Listeners run on the
// thread that changed the state, after the change is visible to allows_*().
class Consent {
public:
    using Listener = std::function<void(ConsentState)>;

    explicit Consent(ConsentState initial = {}) : state_(initial) {}

    // Replaces the listener (one is enough: the session fans out).
    void on_change(Listener l);

    ConsentState state() const;
    bool allows_control() const { return state().control; }
    bool allows_files() const { return state().files; }

    void toggle_control();
    void toggle_files();
    void set(ConsentState s);
    // The customer took control back: control off, files unchanged.
    void withdraw_control();
    // Session over: nothing is allowed any more, toggles are ignored.
    void end();

private:
    void change(const std::function<void(ConsentState&)>& f);

    mutable std::mutex mu_;
    ConsentState state_;
    bool ended_ = false;
    Listener listener_;
};

}  // namespace remote
