// Transport records: seal and open with the Noise nonce rules and rekeying.
#include "secure_record.h"

#include <cstring>

#include "session/byte_stream.h"
#include "wire/big_endian.h"

namespace secure {
namespace {

// Rekeys after every `interval` records; throws at the hard limit. Both
// ends call it after the same record, so their keys stay in step.
void after_record(e2e::CipherState& cs, std::uint64_t interval) {
    if (cs.nonce() % interval == 0) cs.rekey();
}

void check_limit(const e2e::CipherState& cs) {
    if (cs.nonce() >= kMaxRecords)
        throw session::StreamError("the end-to-end encrypted session reached its record limit; reconnect");
}

}  // namespace

RecordSealer::RecordSealer(e2e::CipherState cs, std::uint64_t rekey_interval)
    : cs_(std::move(cs)), rekey_interval_(rekey_interval) {}

void RecordSealer::seal(std::vector<std::uint8_t>& out, RecordType type, const void* data, std::size_t len) {
    check_limit(cs_);
    const std::size_t body = len + kRecordOverhead;
    const std::size_t at = out.size();
    out.resize(at + kRecordHeaderBytes + body);
    std::uint8_t* p = out.data() + at;
    wire::put_be(p, body, kRecordHeaderBytes);
    std::uint8_t* plain = p + kRecordHeaderBytes;
    if (len) std::memcpy(plain, data, len);
    plain[len] = static_cast<std::uint8_t>(type);
    cs_.seal(e2e::View(), plain, len + 1, plain + len + 1);
    after_record(cs_, rekey_interval_);
}

RecordOpener::RecordOpener(e2e::CipherState cs, std::uint64_t rekey_interval)
    : cs_(std::move(cs)), rekey_interval_(rekey_interval) {}

bool RecordOpener::open(std::uint8_t* body, std::size_t len, std::uint8_t* type, std::size_t* plain_len) {
    if (len < kRecordOverhead) return false;
    check_limit(cs_);
    const std::size_t sealed = len - e2e::kTagBytes;
    if (!cs_.open(e2e::View(), body, sealed, body + sealed)) return false;
    after_record(cs_, rekey_interval_);
    *type = body[sealed - 1];
    *plain_len = sealed - 1;
    return true;
}

}  // namespace secure
