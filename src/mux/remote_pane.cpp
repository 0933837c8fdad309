// A remote pane's model and history cache (see remote_pane.hpp).
#include "mux/remote_pane.hpp"

#include <algorithm>
#include <atomic>

#include "mux/line_wire.hpp"

namespace cadence::mux {
namespace {

// Spare buffers kept beyond back and front: one more than the GUI normally holds (the
// frame it is drawing), so a publish almost never has to copy a whole screen.
constexpr size_t kMaxSpares = 2;

void fit(RemoteScreen::Line& line, int cols, uint64_t& counter) {
  if (static_cast<int>(line.cells.size()) == cols) return;
  line.cells.resize(static_cast<size_t>(cols), RemoteScreen::Cell{});
  // A wide character cut at the new edge would reach past the line.
  if (cols > 0 && line.cells.back().width == 2) line.cells.back() = RemoteScreen::Cell{};
  line.version = ++counter;
}

void blank(RemoteScreen::Line& line, int64_t row, int cols, uint64_t& counter) {
  line.stable_row = row;
  line.wrapped = false;
  line.cells.assign(static_cast<size_t>(cols), RemoteScreen::Cell{});
  line.clusters.clear();
  line.version = ++counter;
}

vt::CursorShape shape_of(uint8_t decscusr) {
  if (decscusr >= 5) return vt::CursorShape::bar;
  if (decscusr >= 3) return vt::CursorShape::underline;
  return vt::CursorShape::block;
}

}  // namespace

// ---- HistoryCache ----

void HistoryCache::reset(uint64_t epoch) {
  std::lock_guard<std::mutex> guard(mutex_);
  epoch_ = epoch;
  rows_.clear();
  lru_.clear();
  asked_.clear();
}

uint64_t HistoryCache::epoch() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return epoch_;
}

void HistoryCache::insert_locked(LinePtr line) {
  const int64_t row = line->stable_row;
  auto it = rows_.find(row);
  if (it != rows_.end()) {
    it->second.line = std::move(line);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  if (capacity_ == 0) return;
  while (rows_.size() >= capacity_) {
    rows_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(row);
  rows_.emplace(row, Entry{std::move(line), lru_.begin()});
}

void HistoryCache::put(uint64_t epoch, LinePtr line) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (epoch == epoch_) insert_locked(std::move(line));
}

void HistoryCache::put(uint64_t epoch, std::vector<LinePtr>& lines) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (epoch == epoch_)
    for (LinePtr& l : lines) insert_locked(std::move(l));
  lines.clear();
}

HistoryCache::LinePtr HistoryCache::get(int64_t row) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = rows_.find(row);
  if (it == rows_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.line;
}

void HistoryCache::get_range(int64_t first, int count, std::vector<LinePtr>& out,
                             std::vector<int64_t>& missing_pages) {
  out.assign(static_cast<size_t>(std::max(count, 0)), nullptr);
  std::lock_guard<std::mutex> guard(mutex_);
  for (int i = 0; i < count; ++i) {
    const int64_t row = first + i;
    auto it = rows_.find(row);
    if (it != rows_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      out[static_cast<size_t>(i)] = it->second.line;
      continue;
    }
    if (row < 0) continue;
    const int64_t page = row / kHistoryPage;
    if (asked_.insert(page).second) missing_pages.push_back(page);
  }
}

void HistoryCache::page_done(int64_t page) {
  std::lock_guard<std::mutex> guard(mutex_);
  asked_.erase(page);
}

size_t HistoryCache::size() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return rows_.size();
}

std::vector<int64_t> HistoryCache::rows() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<int64_t> out;
  out.reserve(rows_.size());
  for (const auto& [row, e] : rows_) out.push_back(row);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int64_t> HistoryCache::take_all() {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<int64_t> out;
  out.reserve(rows_.size());
  for (const auto& [row, e] : rows_) out.push_back(row);
  rows_.clear();
  lru_.clear();
  std::sort(out.begin(), out.end());
  return out;
}

// ---- RemotePaneModel ----

RemotePaneModel::RemotePaneModel(net::PaneId id, size_t history_rows)
    : id_(id), history_(std::make_shared<HistoryCache>(history_rows)) {
  back_.screen = std::make_shared<RemoteScreen>();
  back_.styles_generation = styles_generation_;
  styles_.push_back(vt::Style{});
  style_index_.emplace(vt::Style{}, 0);
  back_.screen->styles = styles_;
}

uint32_t RemotePaneModel::intern(const vt::Style& style) {
  auto [it, added] = style_index_.emplace(style, static_cast<uint32_t>(styles_.size()));
  if (added) styles_.push_back(style);
  return it->second;
}

void RemotePaneModel::compact_styles(uint64_t& line_counter) {
  // Keep only what the screen uses. Cached history rows name the old indices, so they
  // go; the GUI fetches what it shows again.
  std::vector<vt::Style> kept{vt::Style{}};
  std::unordered_map<uint32_t, uint32_t> remap{{0, 0}};
  for (RemoteScreen::Line& line : back_.screen->lines) {
    for (RemoteScreen::Cell& cell : line.cells) {
      auto [it, added] = remap.emplace(cell.style, static_cast<uint32_t>(kept.size()));
      if (added) kept.push_back(cell.style < styles_.size() ? styles_[cell.style] : vt::Style{});
      cell.style = it->second;
    }
    line.version = ++line_counter;
  }
  styles_ = std::move(kept);
  style_index_.clear();
  for (uint32_t i = 0; i < styles_.size(); ++i) style_index_.emplace(styles_[i], i);
  ++styles_generation_;
  history_->reset(back_.screen->history_epoch);
}

std::string RemotePaneModel::link_uri(uint32_t id) const {
  std::lock_guard<std::mutex> guard(links_mutex_);
  auto it = links_.find(id);
  return it == links_.end() ? std::string() : it->second;
}

void RemotePaneModel::import_tables(const std::vector<net::WireStyle>& styles,
                                    const std::vector<net::Link>& links, uint64_t& line_counter) {
  if (styles_.size() + styles.size() > kMaxClientStyles) compact_styles(line_counter);
  style_map_.resize(styles.size());
  for (size_t i = 0; i < styles.size(); ++i) style_map_[i] = intern(from_wire(styles[i]));
  if (!links.empty()) {
    std::lock_guard<std::mutex> guard(links_mutex_);
    if (links_.size() + links.size() > kMaxClientLinks) links_.clear();
    for (const net::Link& l : links) links_[l.id] = l.uri;
  }
}

void RemotePaneModel::retire(RemoteScreen::Line&& line) {
  retired_.push_back(std::make_shared<const RemoteScreen::Line>(std::move(line)));
}

bool RemotePaneModel::apply(const net::PaneDelta& delta, uint64_t& line_counter) {
  RemoteScreen& s = *back_.screen;
  const bool first = !synced_;
  const bool epoch_changed = first || delta.history_epoch != s.history_epoch;
  if (epoch_changed) history_->reset(delta.history_epoch);

  import_tables(delta.styles, delta.links, line_counter);

  // The wire allows more than any terminal has; a screen is never made larger than the
  // terminal's own limit, whatever a peer claims.
  const int rows = std::clamp(delta.rows, 0, vt::kMaxDimension);
  const int cols = std::clamp(delta.cols, 0, vt::kMaxDimension);
  const int64_t top = delta.top.get();
  const int64_t old_top = s.top_stable_row;
  const auto old_rows = static_cast<int64_t>(s.lines.size());
  std::vector<bool> moved(static_cast<size_t>(old_rows), false);
  scratch_.resize(static_cast<size_t>(rows));
  // Rows above the viewport are rows of the last viewport that changed before they
  // scrolled off: history, newer than this client's copies.
  size_t next = 0;
  std::unordered_set<int64_t> replaced;
  for (; next < delta.lines.size() && delta.lines[next].row.get() < top; ++next) {
    auto line = std::make_shared<RemoteScreen::Line>();
    decode_line(delta.lines[next], style_map_, cols, *line);
    line->version = ++line_counter;
    replaced.insert(line->stable_row);
    retired_.push_back(std::move(line));
  }
  for (int r = 0; r < rows; ++r) {
    const int64_t row = top + r;
    RemoteScreen::Line& out = scratch_[static_cast<size_t>(r)];
    while (next < delta.lines.size() && delta.lines[next].row.get() < row) ++next;
    if (next < delta.lines.size() && delta.lines[next].row.get() == row) {
      decode_line(delta.lines[next], style_map_, cols, out);
      out.version = ++line_counter;
      continue;
    }
    // Not sent: the server knows this client has it, where it is now (same epoch).
    if (!epoch_changed && row >= old_top && row < old_top + old_rows) {
      const auto i = static_cast<size_t>(row - old_top);
      out = std::move(s.lines[i]);
      moved[i] = true;
      fit(out, cols, line_counter);
      continue;
    }
    if (!epoch_changed) {
      if (HistoryCache::LinePtr cached = history_->get(row)) {
        out = *cached;
        fit(out, cols, line_counter);
        continue;
      }
    }
    // Only a server that broke its side of the bargain gets here; a blank row is the
    // honest thing to show until the row comes.
    blank(out, row, cols, line_counter);
  }
  // Rows that left the top went into the history, except on the alternate screen, whose
  // rows never do (its stable rows only borrow the primary screen's numbering).
  const bool alt = ((s.modes | delta.modes) & net::mode::alt_screen) != 0;
  if (!epoch_changed && !alt) {
    for (int64_t i = 0; i < old_rows; ++i) {
      const int64_t row = old_top + i;
      if (row < top && !moved[static_cast<size_t>(i)] && !replaced.count(row) &&
          !s.lines[static_cast<size_t>(i)].cells.empty())
        retire(std::move(s.lines[static_cast<size_t>(i)]));
    }
    history_->put(delta.history_epoch, retired_);
  }
  retired_.clear();
  s.lines.swap(scratch_);

  s.rows = rows;
  s.cols = cols;
  s.top_stable_row = top;
  s.history_epoch = delta.history_epoch;
  s.cursor.row = delta.cursor.row;
  s.cursor.col = delta.cursor.col;
  s.cursor.visible = delta.cursor.visible;
  s.cursor.shape = shape_of(delta.cursor.shape);
  s.cursor.blinking = delta.cursor.shape == 0 || delta.cursor.shape % 2 == 1;
  if (delta.title) s.title = *delta.title;
  if (delta.cwd) s.cwd = *delta.cwd;
  if (delta.progress_state) {
    s.progress_state = *delta.progress_state;
    s.progress_value = delta.progress_value;
  }
  s.modes = delta.modes;
  s.server_version = delta.version;
  if (back_.styles_generation != styles_generation_) {
    s.styles = styles_;
    back_.styles_generation = styles_generation_;
  } else if (s.styles.size() < styles_.size()) {
    s.styles.insert(s.styles.end(), styles_.begin() + static_cast<std::ptrdiff_t>(s.styles.size()),
                    styles_.end());
  }
  synced_ = true;
  dirty_ = true;
  return epoch_changed && !first;
}

void RemotePaneModel::apply(const net::LinesReply& reply, uint64_t& line_counter) {
  RemoteScreen& s = *back_.screen;
  if (s.history_first != reply.first_available.get()) {
    s.history_first = reply.first_available.get();
    dirty_ = true;
  }
  if (!synced_ || reply.history_epoch != s.history_epoch) return;
  import_tables(reply.styles, reply.links, line_counter);
  for (const net::LineCells& in : reply.lines) {
    // Rows at or below the top are the viewport's, which deltas keep current.
    if (in.row.get() >= s.top_stable_row) break;
    auto line = std::make_shared<RemoteScreen::Line>();
    decode_line(in, style_map_, s.cols, *line);
    line->version = ++line_counter;
    retired_.push_back(std::move(line));
  }
  history_->put(reply.history_epoch, retired_);
  retired_.clear();
  if (back_.styles_generation != styles_generation_) {
    s.styles = styles_;
    back_.styles_generation = styles_generation_;
  } else if (s.styles.size() < styles_.size()) {
    s.styles.insert(s.styles.end(), styles_.begin() + static_cast<std::ptrdiff_t>(s.styles.size()),
                    styles_.end());
  }
  // Fetched rows show in no viewport by themselves, but the GUI that asked for them
  // redraws when the pane's version moves.
  dirty_ = true;
}

std::shared_ptr<const RemoteScreen> RemotePaneModel::publish() {
  back_.screen->version = ++screen_version_;
  if (front_.screen) spare_.push_back(std::move(front_));
  front_ = std::move(back_);
  back_ = Buffer{};
  dirty_ = false;
  return front_.screen;
}

bool RemotePaneModel::prepare_back() {
  for (size_t i = 0; i < spare_.size(); ++i) {
    // Out of the slot, a buffer with one owner is ours alone: the GUI cannot take it
    // again. The fence pairs with the release of the GUI's last reference, so its reads
    // of the buffer are done before we write.
    if (spare_[i].screen.use_count() != 1) continue;
    std::atomic_thread_fence(std::memory_order_acquire);
    back_ = std::move(spare_[i]);
    spare_.erase(spare_.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
  bool copied = false;
  const RemoteScreen& f = *front_.screen;
  if (!back_.screen) {
    back_.screen = std::make_shared<RemoteScreen>(f);
    back_.styles_generation = front_.styles_generation;
    copied = true;
  } else {
    RemoteScreen& b = *back_.screen;
    if (back_.styles_generation != front_.styles_generation || b.styles.size() > f.styles.size()) {
      b.styles = f.styles;
    } else {
      b.styles.insert(b.styles.end(),
                      f.styles.begin() + static_cast<std::ptrdiff_t>(b.styles.size()),
                      f.styles.end());
    }
    back_.styles_generation = front_.styles_generation;
    b.lines.resize(f.lines.size());
    for (size_t i = 0; i < f.lines.size(); ++i) {
      const RemoteScreen::Line& from = f.lines[i];
      RemoteScreen::Line& to = b.lines[i];
      if (to.stable_row != from.stable_row || to.version != from.version) to = from;
    }
    b.rows = f.rows;
    b.cols = f.cols;
    b.top_stable_row = f.top_stable_row;
    b.history_first = f.history_first;
    b.history_epoch = f.history_epoch;
    b.cursor = f.cursor;
    b.title = f.title;
    b.cwd = f.cwd;
    b.progress_state = f.progress_state;
    b.progress_value = f.progress_value;
    b.modes = f.modes;
    b.version = f.version;
    b.server_version = f.server_version;
  }
  while (spare_.size() > kMaxSpares) spare_.erase(spare_.begin());
  return copied;
}

}  // namespace cadence::mux
