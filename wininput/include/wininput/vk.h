// Windows virtual-key codes (the values of winuser.h), spelled out so that
// the keysym mapping (keymap.h) compiles and is tested on Linux too.
#pragma once

#include <cstdint>

namespace wininput::vk {

constexpr std::uint16_t back = 0x08, tab = 0x09, clear = 0x0C, return_ = 0x0D;
constexpr std::uint16_t shift = 0x10, control = 0x11, menu = 0x12, pause = 0x13, capital = 0x14;
constexpr std::uint16_t escape = 0x1B, space = 0x20;
constexpr std::uint16_t prior = 0x21, next = 0x22, end = 0x23, home = 0x24;
constexpr std::uint16_t left = 0x25, up = 0x26, right = 0x27, down = 0x28;
constexpr std::uint16_t select = 0x29, print = 0x2A, execute = 0x2B, snapshot = 0x2C;
constexpr std::uint16_t insert = 0x2D, delete_ = 0x2E, help = 0x2F, cancel = 0x03;
constexpr std::uint16_t lwin = 0x5B, rwin = 0x5C, apps = 0x5D, sleep = 0x5F;
constexpr std::uint16_t numpad0 = 0x60;  // numpad0..numpad9 are consecutive
constexpr std::uint16_t multiply = 0x6A, add = 0x6B, separator = 0x6C, subtract = 0x6D;
constexpr std::uint16_t decimal = 0x6E, divide = 0x6F;
constexpr std::uint16_t f1 = 0x70;  // f1..f24 are consecutive
constexpr std::uint16_t numlock = 0x90, scroll = 0x91, oem_nec_equal = 0x92;
constexpr std::uint16_t lshift = 0xA0, rshift = 0xA1, lcontrol = 0xA2, rcontrol = 0xA3;
constexpr std::uint16_t lmenu = 0xA4, rmenu = 0xA5;
constexpr std::uint16_t browser_back = 0xA6, browser_forward = 0xA7, browser_refresh = 0xA8;
constexpr std::uint16_t browser_stop = 0xA9, browser_search = 0xAA, browser_favorites = 0xAB;
constexpr std::uint16_t browser_home = 0xAC, volume_mute = 0xAD, volume_down = 0xAE, volume_up = 0xAF;
constexpr std::uint16_t media_next = 0xB0, media_prev = 0xB1, media_stop = 0xB2, media_play_pause = 0xB3;
constexpr std::uint16_t launch_mail = 0xB4;

}  // namespace wininput::vk
