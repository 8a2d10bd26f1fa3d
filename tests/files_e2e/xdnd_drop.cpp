// xdnd_drop: the source side of an XDND drag and drop (freedesktop XDND
// protocol, versions 3-5), enough to drop files onto an X window without a
// mouse or a file manager. Used by files.e2e.dnd under Xvfb.
//
//   xdnd_drop --title "Tether desk" [--x X --y Y] FILE...
//
// Finds the top-level window whose WM_NAME is the title (XQueryTree), checks
// its XdndAware property, owns XdndSelection, sends XdndEnter (type
// text/uri-list), XdndPosition at (X, Y) in window coordinates (default: the
// window's centre), waits for XdndStatus, sends XdndDrop, answers the
// SelectionRequest with "file:///path\r\n" lines, and waits for
// XdndFinished. Exit codes: 0 dropped and finished, 1 usage or X error,
// 2 the target refused the drop, 3 timeout (10 s per step).
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kStepTimeoutMs = 10000;
constexpr long kMaxVersion = 5;

struct Atoms {
    Atom aware, enter, position, status, drop, finished, selection, uri_list, action_copy, targets;
    explicit Atoms(Display* d)
        : aware(XInternAtom(d, "XdndAware", False)), enter(XInternAtom(d, "XdndEnter", False)),
          position(XInternAtom(d, "XdndPosition", False)), status(XInternAtom(d, "XdndStatus", False)),
          drop(XInternAtom(d, "XdndDrop", False)), finished(XInternAtom(d, "XdndFinished", False)),
          selection(XInternAtom(d, "XdndSelection", False)), uri_list(XInternAtom(d, "text/uri-list", False)),
          action_copy(XInternAtom(d, "XdndActionCopy", False)), targets(XInternAtom(d, "TARGETS", False)) {}
};

[[noreturn]] void die(int code, const std::string& why) {
    std::fprintf(stderr, "xdnd_drop: %s\n", why.c_str());
    std::exit(code);
}

// Depth-first search of the window tree for WM_NAME == title.
Window find_by_title(Display* d, Window w, const std::string& title) {
    char* name = nullptr;
    if (XFetchName(d, w, &name) && name) {
        bool match = title == name;
        XFree(name);
        if (match) return w;
    }
    Window root, parent, *kids = nullptr;
    unsigned n = 0;
    if (!XQueryTree(d, w, &root, &parent, &kids, &n)) return 0;
    Window found = 0;
    for (unsigned i = n; i-- > 0 && !found;) found = find_by_title(d, kids[i], title);  // topmost first
    if (kids) XFree(kids);
    return found;
}

// The XDND version the target speaks (XdndAware), 0 if it is not aware.
long aware_version(Display* d, const Atoms& a, Window w) {
    Atom type;
    int format;
    unsigned long count, after;
    unsigned char* data = nullptr;
    if (XGetWindowProperty(d, w, a.aware, 0, 1, False, XA_ATOM, &type, &format, &count, &after, &data) != Success)
        return 0;
    long v = (type == XA_ATOM && count == 1 && data) ? static_cast<long>(*reinterpret_cast<Atom*>(data)) : 0;
    if (data) XFree(data);
    return v;
}

void send_message(Display* d, Window target, Atom type, const long (&l)[5]) {
    XEvent e{};
    e.xclient.type = ClientMessage;
    e.xclient.display = d;
    e.xclient.window = target;
    e.xclient.message_type = type;
    e.xclient.format = 32;
    for (int i = 0; i < 5; ++i) e.xclient.data.l[i] = l[i];
    XSendEvent(d, target, False, NoEventMask, &e);
    XFlush(d);
}

// Next event, or false after kStepTimeoutMs without one.
bool next_event(Display* d, XEvent& e) {
    while (!XPending(d)) {
        pollfd p{ConnectionNumber(d), POLLIN, 0};
        if (poll(&p, 1, kStepTimeoutMs) <= 0) return false;
    }
    XNextEvent(d, &e);
    return true;
}

// Gives the requestor our uri-list (or the list of targets we offer).
void answer_request(Display* d, const Atoms& a, const XSelectionRequestEvent& r, const std::string& uris) {
    XEvent n{};
    n.xselection.type = SelectionNotify;
    n.xselection.display = d;
    n.xselection.requestor = r.requestor;
    n.xselection.selection = r.selection;
    n.xselection.target = r.target;
    n.xselection.time = r.time;
    n.xselection.property = r.property == None ? r.target : r.property;
    if (r.target == a.uri_list) {
        XChangeProperty(d, r.requestor, n.xselection.property, a.uri_list, 8, PropModeReplace,
                        reinterpret_cast<const unsigned char*>(uris.data()), static_cast<int>(uris.size()));
    } else if (r.target == a.targets) {
        Atom offered[] = {a.targets, a.uri_list};
        XChangeProperty(d, r.requestor, n.xselection.property, XA_ATOM, 32, PropModeReplace,
                        reinterpret_cast<unsigned char*>(offered), 2);
    } else {
        n.xselection.property = None;  // a type we do not offer
    }
    XSendEvent(d, r.requestor, False, NoEventMask, &n);
    XFlush(d);
}

// "file://" + path with everything but unreserved characters and '/' as %xx.
std::string file_uri(const std::string& path) {
    std::string out = "file://";
    for (unsigned char c : path) {
        if (std::isalnum(c) || std::strchr("/-._~", c)) {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

struct Args {
    std::string title;
    int x = -1, y = -1;  // window coordinates; -1: centre
    std::vector<std::string> files;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : (die(1, s + " needs a value"), ""); };
        if (s == "--title") a.title = value();
        else if (s == "--x") a.x = std::atoi(value().c_str());
        else if (s == "--y") a.y = std::atoi(value().c_str());
        else a.files.push_back(s);
    }
    if (a.title.empty() || a.files.empty()) die(1, "usage: xdnd_drop --title TITLE [--x X --y Y] FILE...");
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    Args args = parse(argc, argv);
    std::string uris;
    for (const auto& f : args.files) uris += file_uri(f) + "\r\n";

    Display* d = XOpenDisplay(nullptr);
    if (!d) die(1, "cannot open the display ($DISPLAY)");
    Atoms a(d);
    Window root = DefaultRootWindow(d);
    Window target = find_by_title(d, root, args.title);
    if (!target) die(1, "no window titled \"" + args.title + "\"");
    long version = aware_version(d, a, target);
    if (version < 3) die(1, "the window is not XdndAware (version " + std::to_string(version) + ")");
    version = std::min(version, kMaxVersion);

    // Our source window: owns the selection and receives the target's answers.
    Window source = XCreateSimpleWindow(d, root, 0, 0, 1, 1, 0, 0, 0);
    XSetSelectionOwner(d, a.selection, source, CurrentTime);
    if (XGetSelectionOwner(d, a.selection) != source) die(1, "could not own XdndSelection");

    XWindowAttributes attr;
    XGetWindowAttributes(d, target, &attr);
    int wx = args.x >= 0 ? args.x : attr.width / 2, wy = args.y >= 0 ? args.y : attr.height / 2;
    int rx, ry;
    Window child;
    XTranslateCoordinates(d, target, root, wx, wy, &rx, &ry, &child);

    const long src = static_cast<long>(source);
    send_message(d, target, a.enter, {src, version << 24, static_cast<long>(a.uri_list), 0, 0});
    send_message(d, target, a.position, {src, 0, (static_cast<long>(rx) << 16) | ry, CurrentTime,
                                         static_cast<long>(a.action_copy)});

    enum class Step { status, finished } step = Step::status;
    XEvent e;
    while (next_event(d, e)) {
        if (e.type == SelectionRequest) {
            answer_request(d, a, e.xselectionrequest, uris);
        } else if (e.type == ClientMessage && e.xclient.message_type == a.status && step == Step::status) {
            if (!(e.xclient.data.l[1] & 1)) die(2, "the target refused the drop (XdndStatus without accept)");
            send_message(d, target, a.drop, {src, 0, CurrentTime, 0, 0});
            step = Step::finished;
        } else if (e.type == ClientMessage && e.xclient.message_type == a.finished) {
            // Version 5 says in l[1] bit 0 whether the target used the data.
            if (version >= 5 && !(e.xclient.data.l[1] & 1)) die(2, "the target did not accept the data");
            std::printf("dropped %zu file(s) onto \"%s\"\n", args.files.size(), args.title.c_str());
            XCloseDisplay(d);
            return 0;
        }
    }
    die(3, step == Step::status ? "no XdndStatus from the target" : "no XdndFinished from the target");
}
