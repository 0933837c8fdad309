// Test hooks: faults a test injects into a running window to check that the frame log
// names them, given in the environment as CADENCE_TEST_HOOKS="slow_phase=draw:60".
//
// The window reads the variable once at start into these plain fields; the paint path
// only compares a phase with slow_phase, never reads the environment. A hook a build does
// not know is an error, so a typo cannot pass as "no stall happened".
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "framelog/frame_log.hpp"

namespace cadence::framelog {

inline constexpr uint32_t kMaxSlowPhaseMs = 10000;

struct TestHooks {
  // Every paint sleeps slow_ms inside this phase (Phase::count: none).
  Phase slow_phase = Phase::count;
  uint32_t slow_ms = 0;
};

// Comma-separated KEY=VALUE items; empty text: no hooks.
Result<TestHooks> parse_test_hooks(std::string_view text);

}  // namespace cadence::framelog
