#include "remote/clipboard.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "http1/http1.h"
#include "remote/control_channel.h"

namespace remote {

using nlohmann::json;

const char* selection_name(Selection s) { return s == Selection::primary ? "primary" : "clipboard"; }

namespace {

Selection selection_of(const std::string& s) {
    if (s == "primary") return Selection::primary;
    if (s == "clipboard") return Selection::clipboard;
    throw ProtocolError("clipboard line with an unknown selection");
}

}  // namespace

std::vector<std::string> encode_clipboard(Selection sel, std::uint64_t id, const std::string& text) {
    std::vector<std::string> lines;
    std::size_t off = 0;
    do {
        std::size_t n = std::min(kClipboardPiece, text.size() - off);
        json j = {{"type", "clipboard"}, {"sel", selection_name(sel)}, {"id", id},
                  {"size", text.size()}, {"offset", off},
                  {"data", http1::base64(std::string_view(text).substr(off, n))},
                  {"last", off + n == text.size()}};
        lines.push_back(j.dump());
        off += n;
    } while (off < text.size());
    return lines;
}

std::string encode_clipboard_refused(Selection sel, std::uint64_t size) {
    return json{{"type", "clipboard_refused"}, {"sel", selection_name(sel)}, {"size", size}}.dump();
}

bool ClipboardAssembler::is_clipboard(const Message& m) {
    return m.type == MessageType::unknown && (m.kind == "clipboard" || m.kind == "clipboard_refused");
}

ClipboardAssembler::Result ClipboardAssembler::add(const Message& m) {
    Result r;
    try {
        json j = json::parse(m.line);
        Selection sel = selection_of(j.at("sel").get<std::string>());
        if (m.kind == "clipboard_refused") {
            r.refused = Refused{sel, j.at("size").get<std::uint64_t>()};
            return r;
        }
        auto id = j.at("id").get<std::uint64_t>();
        auto size = j.at("size").get<std::uint64_t>();
        auto offset = j.at("offset").get<std::uint64_t>();
        std::string data = http1::base64_decode(j.at("data").get<std::string>());
        bool last = j.at("last").get<bool>();
        if (size > kClipboardCap) throw ProtocolError("clipboard text above the 1 MiB cap");
        Partial& p = partial_[static_cast<int>(sel)];
        if (offset == 0) p = Partial{id, size, {}, true};  // a new text replaces an unfinished one
        if (!p.open || p.id != id || p.size != size || p.data.size() != offset ||
            offset + data.size() > size)
            throw ProtocolError("clipboard piece out of order");
        p.data += data;
        if (last) {
            if (p.data.size() != size) throw ProtocolError("clipboard text shorter than announced");
            r.text = Text{sel, std::move(p.data)};
            p = Partial{};
        }
    } catch (const json::exception&) {
        throw ProtocolError("malformed clipboard line");
    } catch (const std::runtime_error& e) {  // http1::ParseError from base64_decode
        if (dynamic_cast<const ProtocolError*>(&e)) throw;
        throw ProtocolError("malformed clipboard line");
    }
    return r;
}

std::string clipboard_size_words(std::uint64_t bytes) {
    char buf[64];
    if (bytes >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024) std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(bytes / 1024));
    else std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    return buf;
}

}  // namespace remote
