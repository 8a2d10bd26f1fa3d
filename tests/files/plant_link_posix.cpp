#include "plant_link.h"

bool plant_link(const std::filesystem::path& target, const std::filesystem::path& link) {
    std::filesystem::create_symlink(target, link);
    return std::filesystem::is_symlink(std::filesystem::symlink_status(link));
}
