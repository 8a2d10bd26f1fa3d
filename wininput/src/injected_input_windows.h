// What the SendInput injector sent for the supporter, so that the watcher
// of the customer's own input (local_input_windows.cpp) can tell it apart.
// Windows flags SendInput events as injected (LLMHF_INJECTED), but under
// wine an absolute move also comes back from the X server as a plain move
// to the same place; and on Windows other programs inject too (on-screen
// keyboards), which are the customer's. So: injected-flag events are ours
// only when they match a recent injection; plain moves that land where we
// just moved the pointer are ours as well. Internal; thread-safe.
#pragma once

#include "desktop/injection_record.h"

namespace wininput {

class InjectedInput {
public:
    // Recorded just before SendInput.
    void motion(int x, int y) { record_.add(Kind::motion, x, y); }
    void key(unsigned vk) { record_.add(Kind::key, static_cast<int>(generic(vk)), 0); }
    // True if the event matches one we sent in the last 2 s. Moves match
    // within a pixel (Windows rounds the normalized coordinates; DPI). Not
    // consumed: wine delivers the same move twice (injected, then back from
    // X), and a key's repeat comes with the same code.
    bool was_motion(int x, int y) { return record_.sent(Kind::motion, x, y, {1, false}); }
    bool was_key(unsigned vk) { return record_.sent(Kind::key, static_cast<int>(generic(vk)), 0, {0, false}); }

private:
    using Kind = desktop::InjectionRecord::Kind;
    // Left and right Shift, Ctrl and Alt as one key (VK_SHIFT, VK_CONTROL,
    // VK_MENU): a hook may report either for what we sent.
    static unsigned generic(unsigned vk) { return vk >= 0xA0 && vk <= 0xA5 ? 0x10 + (vk - 0xA0) / 2 : vk; }

    desktop::InjectionRecord record_;
};

}  // namespace wininput
