// DPI awareness: without it, Windows shows a scaled display to the process
// as if it were 96 dpi (a 3840x2160 screen at 200% reads as 1920x1080,
// BitBlt returns a scaled picture and the pointer's coordinates are off).
#pragma once

namespace windesktop {

// Makes the process per-monitor DPI aware (PER_MONITOR_AWARE_V2, Windows 10
// 1703+), falling back to per-monitor (8.1, shcore) and then system aware
// (Vista). Process-wide and first call wins: harmless when the program (or
// its manifest) already chose. Returns which one took, for the log.
const char* make_process_dpi_aware();

}  // namespace windesktop
