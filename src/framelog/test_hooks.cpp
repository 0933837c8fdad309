// Test hooks (see test_hooks.hpp).
#include "framelog/test_hooks.hpp"

#include <charconv>
#include <string>

namespace cadence::framelog {

Result<TestHooks> parse_test_hooks(std::string_view text) {
  TestHooks hooks;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (key != "slow_phase") return make_error("unknown test hook '" + std::string(key) + "'");
    const size_t colon = value.find(':');
    if (colon == std::string_view::npos) {
      return make_error("slow_phase wants PHASE:MILLISECONDS, not '" + std::string(value) + "'");
    }
    const Phase p = phase_from_name(value.substr(0, colon));
    if (p == Phase::count) {
      return make_error("slow_phase: no phase named '" + std::string(value.substr(0, colon)) + "'");
    }
    const std::string_view ms = value.substr(colon + 1);
    uint32_t n = 0;
    auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), n);
    if (ec != std::errc() || end != ms.data() + ms.size() || n == 0 || n > kMaxSlowPhaseMs) {
      return make_error("slow_phase: '" + std::string(ms) + "' is not a number of milliseconds " +
                        "from 1 to " + std::to_string(kMaxSlowPhaseMs));
    }
    hooks.slow_phase = p;
    hooks.slow_ms = n;
  }
  return hooks;
}

}  // namespace cadence::framelog
