// A remote pane's text for the selection: its published screen and the scrollback rows
// its mux client has cached.
//
// Rows above the screen come from MuxClient::history(); a row the cache does not hold
// reads as blank (and is asked for, so it is there at the next frame). The view only
// shows rows it has, and a selection covers rows the user saw, so in practice copying
// finds them all; a selection stretched across more history than the cache keeps
// (history_cache_rows) copies blanks for what fell out.
#pragma once

#include <memory>

#include "mux/client.hpp"
#include "ui/selection.hpp"

namespace cadence::ui {

class RemoteText final : public SelectionSource {
 public:
  // `client` may be null: the screen alone, no scrollback.
  RemoteText(std::shared_ptr<const mux::RemoteScreen> screen, mux::MuxClient* client,
             mux::RemotePaneId pane);

  int cols() const override { return screen_->cols; }
  int rows() const override { return static_cast<int>(screen_->lines.size()); }
  int64_t first_row() const override;
  int64_t screen_top() const override { return screen_->top_stable_row; }
  void read(int64_t stable, SelectionRow& out) const override;
  uint64_t version() const override { return version_; }
  uint64_t row_version(int64_t stable) const override;
  uint64_t epoch() const override { return screen_->history_epoch; }
  bool alt_screen() const override;

  // One line's cells as selection text (also for rows the caller already holds).
  static void append(const mux::RemoteScreen::Line& line, SelectionRow& out);

 private:
  std::shared_ptr<const mux::RemoteScreen> screen_;
  mux::MuxClient* client_;
  mux::RemotePaneId pane_;
  uint64_t version_ = 0;
};

}  // namespace cadence::ui
