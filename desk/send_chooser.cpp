#include "send_chooser.h"

#include <cstdlib>

namespace desk {

void SendChooser::show() {
    if (!chooser_) {
        const char* home = std::getenv("HOME");
        std::string start = home ? std::string(home) + "/" : "./";  // a trailing '/': open the folder itself
        chooser_ = std::make_unique<Fl_File_Chooser>(start.c_str(), "*", Fl_File_Chooser::MULTI, title_.c_str());
        chooser_->callback(on_chosen, this);
    }
    chooser_->show();
}

// Called on every pick and on OK; only OK hides the chooser (Cancel empties it).
void SendChooser::on_chosen(Fl_File_Chooser* fc, void* self) {
    if (fc->shown()) return;
    auto* c = static_cast<SendChooser*>(self);
    for (int i = 1; i <= fc->count(); ++i)
        if (fc->value(i)) c->send_(fc->value(i));
}

}  // namespace desk
