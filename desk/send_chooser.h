// "Send file..." in both windows (issue 16): FLTK's own file chooser, shown
// without waiting for it, so FLTK's loop goes on and the session's view,
// hotkeys and status keep updating while files are picked (the native
// chooser ran GTK's loop and froze the window). Shared by both windows.
#pragma once

#include <FL/Fl_File_Chooser.H>

#include <functional>
#include <memory>
#include <string>

namespace desk {

class SendChooser {
public:
    // `send` gets each chosen path on the FLTK thread; it must not block
    // (the apps offer from a worker thread).
    SendChooser(std::string title, std::function<void(const std::string&)> send)
        : title_(std::move(title)), send_(std::move(send)) {}

    // Made at the first call (starting in $HOME), kept for its folder.
    void show();

private:
    static void on_chosen(Fl_File_Chooser* fc, void* self);

    std::string title_;
    std::function<void(const std::string&)> send_;
    std::unique_ptr<Fl_File_Chooser> chooser_;
};

}  // namespace desk
