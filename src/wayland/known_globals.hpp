// The Wayland globals cadence uses, with the version range its code handles.
//
// One table, so the binding code, the startup probe and `cadence --version` agree on what
// is required, what is optional and what each optional global is for. A required global
// missing means no window at all; an optional one missing turns one feature off (the
// purpose text says which), and that is reported rather than treated as an error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wayland/display.hpp"

namespace cadence::wayland {

struct KnownGlobal {
  const char* interface;
  uint32_t min_version;  // below this the code cannot work with it
  uint32_t max_version;  // the newest version the code handles
  bool required;
  const char* purpose;  // what is lost without it
};

std::span<const KnownGlobal> known_globals();

// The table entry for an interface, or nullptr.
const KnownGlobal* find_known_global(std::string_view interface);

// Errors for required globals that are missing or too old, one message per problem.
std::vector<std::string> check_required_globals(const Display& display);

}  // namespace cadence::wayland
