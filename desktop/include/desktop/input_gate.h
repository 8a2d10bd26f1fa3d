// The consent check on the customer side: every pointer and key event from
// the desk passes here before it may reach the injector.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>

#include "desktop/platform.h"
#include "remote/consent.h"

namespace desktop {

// F11 and F12 are the customer's permission keys: never injected from the
// desk, whatever the consent, so the supporter cannot grant himself rights.
bool is_reserved_keysym(std::uint32_t keysym);

// Thread-safe. Both the injector and the consent are borrowed; the consent
// lives in remote/ (the control channel carries it to the desk).
class InputGate {
public:
    InputGate(InputInjector& injector, const remote::Consent& consent) : inj_(injector), consent_(consent) {}

    void pointer(int x, int y, int button_mask);
    void key(std::uint32_t keysym, bool down);
    // Control was withdrawn: release the buttons and keys the desk still holds
    // down, so nothing stays pressed on the customer's machine.
    void revoke();

    // Events dropped because control was off or the key is reserved (tests, stats).
    std::uint64_t dropped() const;

private:
    InputInjector& inj_;
    const remote::Consent& consent_;
    mutable std::mutex mu_;  // one decision+injection at a time, ordered with revoke()
    std::set<std::uint32_t> keys_down_;
    int buttons_ = 0;
    int last_x_ = 0, last_y_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace desktop
