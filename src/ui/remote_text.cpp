// See remote_text.hpp.
#include "ui/remote_text.hpp"

#include <algorithm>

#include "net/pdu.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {

RemoteText::RemoteText(std::shared_ptr<const mux::RemoteScreen> screen, mux::MuxClient* client,
                       mux::RemotePaneId pane)
    : screen_(std::move(screen)), client_(client), pane_(pane) {
  for (const mux::RemoteScreen::Line& line : screen_->lines)
    version_ = std::max(version_, line.version);
}

int64_t RemoteText::first_row() const {
  if (!client_ || screen_->history_first < 0) return screen_->top_stable_row;
  return std::min(screen_->history_first, screen_->top_stable_row);
}

void RemoteText::append(const mux::RemoteScreen::Line& line, SelectionRow& out) {
  out.wrapped = line.wrapped;
  for (const mux::RemoteScreen::Cell& cell : line.cells) {
    out.width.push_back(cell.width == 0 ? 0 : cell.width == 2 ? 2 : 1);
    std::string text;
    if (cell.width != 0 && cell.cp != 0) {
      if (cell.cluster > 0 && cell.cluster <= line.clusters.size()) {
        for (char32_t cp : line.clusters[cell.cluster - 1]) vt::append_utf8(text, cp);
      } else {
        vt::append_utf8(text, cell.cp);
      }
    }
    out.text.push_back(std::move(text));
  }
}

void RemoteText::read(int64_t stable, SelectionRow& out) const {
  const int64_t row = stable - screen_->top_stable_row;
  if (row >= 0 && row < rows()) return append(screen_->lines[static_cast<size_t>(row)], out);
  if (row >= 0 || !client_) return;
  const mux::HistoryRows h = client_->history(pane_, stable, 1);
  if (h.epoch == screen_->history_epoch && !h.lines.empty() && h.lines[0]) append(*h.lines[0], out);
}

uint64_t RemoteText::row_version(int64_t stable) const {
  const int64_t row = stable - screen_->top_stable_row;
  if (row < 0 || row >= rows()) return 0;
  return screen_->lines[static_cast<size_t>(row)].version;
}

bool RemoteText::alt_screen() const { return screen_->modes & net::mode::alt_screen; }

}  // namespace cadence::ui
