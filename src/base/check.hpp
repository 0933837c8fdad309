// Assertions.
//
// CADENCE_CHECK stays on in every build type: it guards invariants whose violation would
// corrupt memory (an index past a buffer, a length from the wire) and turns them into a
// clean abort with a message instead. CADENCE_DCHECK is for expensive or purely internal
// consistency checks and compiles away when NDEBUG is set.
#pragma once

namespace cadence::detail {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* msg);
}

#define CADENCE_CHECK(cond)                                                \
  do {                                                                     \
    if (__builtin_expect(!(cond), 0))                                      \
      ::cadence::detail::check_failed(#cond, __FILE__, __LINE__, nullptr); \
  } while (0)

#define CADENCE_CHECK_MSG(cond, msg)                                   \
  do {                                                                 \
    if (__builtin_expect(!(cond), 0))                                  \
      ::cadence::detail::check_failed(#cond, __FILE__, __LINE__, msg); \
  } while (0)

#ifdef NDEBUG
#define CADENCE_DCHECK(cond) \
  do {                       \
  } while (0)
#else
#define CADENCE_DCHECK(cond) CADENCE_CHECK(cond)
#endif
