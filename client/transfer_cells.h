// The cells of the window's files list (tether-client.exe): one row per
// transfer, in words a person reads: name, direction, size, progress, speed
// and where the file was saved. GUI-free, so its rules stay testable; the
// speed needs the rows seen over time, so a TransferCells object lives as
// long as the list.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "remote/file_service.h"

namespace client {

struct TransferRowCells {
    std::string name, direction, size, progress, speed, saved_to;
    bool operator==(const TransferRowCells& o) const {
        return name == o.name && direction == o.direction && size == o.size && progress == o.progress &&
               speed == o.speed && saved_to == o.saved_to;
    }
};

// "512 bytes", "1.5 KiB", "3.0 MiB", "1.2 GiB" (binary units, one decimal).
std::string human_bytes(std::uint64_t bytes);

class TransferCells {
public:
    using Clock = std::chrono::steady_clock;
    // `download_dir`: where received files land, as the program was given it.
    explicit TransferCells(std::string download_dir) : download_dir_(std::move(download_dir)) {}

    // The cells of `rows` (FileService::rows(): rows are only ever appended)
    // as of `now`. The speed is the average since the row was first seen
    // moving; it stays as it was when the row ended.
    std::vector<TransferRowCells> cells(const std::vector<remote::TransferRow>& rows, Clock::time_point now);

private:
    struct Meter {
        bool started = false, ended = false;  // ended: the speed shown is final
        Clock::time_point start;
        std::uint64_t start_bytes = 0;
        std::string speed;  // last shown
    };
    std::string speed(Meter& m, const remote::TransferRow& r, Clock::time_point now);
    std::string saved_to(const remote::TransferRow& r) const;

    std::string download_dir_;
    std::vector<Meter> meters_;  // one per row, by index
};

}  // namespace client
