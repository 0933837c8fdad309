#include "base/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace cadence::detail {

void check_failed(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "cadence: check failed at %s:%d: %s%s%s\n", file, line, expr,
               msg ? ": " : "", msg ? msg : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace cadence::detail
