// Monotonic time in nanoseconds: what latency and frame timings are measured in.
#pragma once

#include <time.h>

#include <cstdint>

namespace cadence {

inline uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace cadence
