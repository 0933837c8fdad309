// libFuzzer target: parser + screen with random sizes and resizes.
//
// The first bytes choose the screen size and scrollback; the rest is split at 0xFE
// markers, each of which is followed by a resize. Invariants checked after every step:
// the cursor is on the screen and every row has exactly `cols` cells. Memory stays
// bounded because every table and payload in the core has a limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vt/dump.hpp"
#include "vt/terminal.hpp"

namespace {

void check(const cadence::vt::Terminal& t) {
  const auto& c = t.cursor();
  if (c.row < 0 || c.row >= t.rows() || c.col < 0 || c.col >= t.cols()) std::abort();
  for (int r = 0; r < t.rows(); ++r)
    if (static_cast<int>(t.line(cadence::Row(r)).cells.size()) != t.cols()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  cadence::vt::Terminal::Options o;
  o.rows = 1 + data[0] % 40;
  o.cols = 1 + data[1] % 120;
  o.scrollback_lines = data[2] % 64;
  cadence::vt::Terminal t(o);
  std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  while (!rest.empty()) {
    size_t marker = rest.find('\xfe');
    t.feed(rest.substr(0, marker));
    check(t);
    if (marker == std::string_view::npos || marker + 2 >= rest.size()) break;
    auto rows = static_cast<uint8_t>(rest[marker + 1]);
    auto cols = static_cast<uint8_t>(rest[marker + 2]);
    t.resize(1 + rows % 40, 1 + cols % 120);
    check(t);
    rest.remove_prefix(marker + 3);
  }
  // Reading everything back must be safe too.
  volatile size_t n = cadence::vt::dump_text(t).size() + cadence::vt::dump_json(t, true).size();
  (void)n;
  return 0;
}
