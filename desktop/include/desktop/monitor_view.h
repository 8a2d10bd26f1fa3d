// One monitor of the customer's screen, or all of them (issue 19 item 3):
// a Capture that shows the chosen monitor's area of the inner capture, and
// an InputInjector that moves the desk's pointer coordinates back onto the
// whole screen. Switching changes the picture's size: the screen server
// tells the viewer (RFB DesktopSize) without reconnecting. Portable.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "desktop/platform.h"
#include "desktop/tile_diff.h"

namespace desktop {

struct Monitor {
    std::string name;  // "DP-1", or the platform's own
    Rect area;         // in the whole screen's pixels
    bool primary = false;
};

// The platform's monitors (X11: RandR 1.5 monitors), empty if it cannot tell.
class MonitorSource {
public:
    virtual ~MonitorSource() = default;
    virtual std::vector<Monitor> monitors() = 0;
};

class MonitorView : public Capture {
public:
    static constexpr int kAll = -1;
    // Both borrowed; `source` may be null (one screen, no choice).
    MonitorView(Capture& inner, MonitorSource* source) : inner_(inner), source_(source) {}

    // The monitors now (asks the platform again).
    std::vector<Monitor> monitors();
    // kAll or an index of monitors(); false (nothing changes) if out of range.
    bool select(int index);
    int selected() const;
    // The shown area's top-left in the whole screen.
    void origin(int& x, int& y) const;

    int width() const override;
    int height() const override;
    bool grab(Frame& dst) override;
    int change_fd() const override { return inner_.change_fd(); }
    bool take_changes() override { return inner_.take_changes(); }
    bool cursor_shape(PointerShape& out) override { return inner_.cursor_shape(out); }
    bool pointer_position(int& x, int& y) override;

private:
    Capture& inner_;
    MonitorSource* source_;
    mutable std::mutex mu_;
    int index_ = kAll;
    Rect area_;  // empty: all
    Frame whole_;
};

// Pointer coordinates of the shown area to the whole screen's.
class MonitorInjector : public InputInjector {
public:
    MonitorInjector(InputInjector& inner, const MonitorView& view) : inner_(inner), view_(view) {}
    void pointer(int x, int y, int button_mask) override;
    void key(std::uint32_t keysym, bool down) override { inner_.key(keysym, down); }

private:
    InputInjector& inner_;
    const MonitorView& view_;
};

}  // namespace desktop
