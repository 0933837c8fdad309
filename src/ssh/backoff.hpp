// The wait before a reconnection attempt: exponential, capped, with jitter.
//
// Attempt n waits base × 2^(n-1), at most `cap`, scaled by a factor drawn from
// [0.8, 1.2): a laptop's links all dropping at once (one Wi-Fi, several domains) do not
// then retry in lock step. The random draw is an argument so the rule is tested exactly.
#pragma once

#include <algorithm>
#include <cstdint>

namespace cadence::ssh {

// `unit` is a uniform draw from [0, 1). attempt < 1 counts as 1.
inline int backoff_ms(int attempt, int base_ms, int cap_ms, double unit) {
  const int shift = std::clamp(attempt - 1, 0, 30);
  const int64_t nominal = std::min<int64_t>(int64_t(std::max(base_ms, 1)) << shift, cap_ms);
  const double factor = 0.8 + 0.4 * std::clamp(unit, 0.0, 1.0);
  return static_cast<int>(double(nominal) * factor);
}

}  // namespace cadence::ssh
