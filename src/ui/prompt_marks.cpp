// See prompt_marks.hpp.
#include "ui/prompt_marks.hpp"

#include <algorithm>

#include "vt/terminal.hpp"

namespace cadence::ui {

std::optional<int> prompt_jump_offset(const vt::Terminal& terminal, int offset, int direction) {
  if (terminal.is_alt_screen() || direction == 0) return std::nullopt;
  const int64_t total = static_cast<int64_t>(terminal.history_total());
  const int64_t oldest = total - static_cast<int64_t>(terminal.scrollback_size());
  const int64_t top = total - offset;  // the stable row at the top of the view
  std::optional<int64_t> target;
  for (const auto& [row, kind] : terminal.prompt_marks()) {
    if (kind != vt::PromptMark::prompt_start) continue;
    const int64_t r = row.get();
    if (r < oldest) continue;  // dropped out of the scrollback
    if (direction < 0 && r < top && (!target || r > *target)) target = r;
    if (direction > 0 && r > top && (!target || r < *target)) target = r;
  }
  int wanted = 0;
  if (target) {
    wanted = static_cast<int>(std::clamp<int64_t>(total - *target, 0, total - oldest));
  } else if (direction < 0) {
    return std::nullopt;
  }
  if (wanted == offset) return std::nullopt;
  return wanted;
}

std::optional<std::pair<StableRow, StableRow>> last_output_rows(const vt::Terminal& terminal) {
  const auto& marks = terminal.prompt_marks();
  auto start = std::find_if(marks.rbegin(), marks.rend(),
                            [](const auto& m) { return m.second == vt::PromptMark::output_start; });
  if (start == marks.rend()) return std::nullopt;
  const int64_t first = start->first.get();
  int64_t end = 0;
  // The first mark after the output start on a later row ends it.
  auto after = start.base();  // the element after *start, in forward order
  while (after != marks.end() && after->first.get() <= first &&
         after->second == vt::PromptMark::output_start) {
    ++after;
  }
  if (after != marks.end()) {
    end = after->first.get();
  } else {
    const vt::CursorState& c = terminal.cursor();
    end = terminal.stable_row(Row(c.row)).get() + (c.col > 0 ? 1 : 0);
  }
  const int64_t oldest = static_cast<int64_t>(terminal.history_total()) -
                         static_cast<int64_t>(terminal.scrollback_size());
  const int64_t from = std::max(first, oldest);
  if (end <= from) return std::nullopt;
  return std::make_pair(StableRow(from), StableRow(end));
}

}  // namespace cadence::ui
