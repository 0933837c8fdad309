// One remote pane on the client: the network thread's side of it (RemotePaneModel) and
// the history cache both threads read (HistoryCache).
//
// Double buffering. The model applies each PaneDelta to a back buffer, a RemoteScreen
// only the network thread touches, then publishes it: the buffer becomes the front the
// GUI takes (a shared_ptr swap in the client's slot) and another buffer becomes the
// back. A buffer is reused only when nobody else holds it (use_count() == 1 once it is
// out of the slot, so the GUI cannot take it again); it is brought up to date with the
// new front by copying the lines whose (stable_row, version) differ, which are exactly
// the lines the deltas since it was last current brought. So a delta's rows are decoded
// once and copied once, and the GUI never waits: it holds no lock while reading a
// screen, and the network thread never writes a buffer the GUI may be reading.
//
// Line versions are the client's own (RemoteScreen.hpp says why): each decoded or
// rebuilt line gets the next number of the client-wide counter passed in.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mux/remote_screen.hpp"
#include "net/pdu.hpp"

namespace cadence::mux {

// Rows per FetchLines: well under the protocol's kMaxFetchLines, so a page is a modest
// PDU, and pages are aligned so two requests never overlap.
inline constexpr int64_t kHistoryPage = 256;
// Distinct styles a pane's table may hold before it is rebuilt from the screen.
inline constexpr size_t kMaxClientStyles = 1u << 16;
// Distinct OSC 8 links remembered per pane before the table starts over.
inline constexpr size_t kMaxClientLinks = 1u << 14;

// Scrollback rows of one pane, by stable row, for the current history epoch: a bounded
// LRU. Thread-safe: the network thread inserts (lines that scroll off, fetched pages),
// the GUI looks up; each call holds the mutex for a map operation or a page's insertion.
class HistoryCache {
 public:
  using LinePtr = std::shared_ptr<const RemoteScreen::Line>;

  explicit HistoryCache(size_t capacity) : capacity_(capacity) {}

  // A new epoch: every row goes (they are not fetched again; the GUI asks if it shows
  // them), and so does every outstanding page request.
  void reset(uint64_t epoch);
  uint64_t epoch() const;
  // Ignored unless `epoch` is the cache's.
  void put(uint64_t epoch, LinePtr line);
  void put(uint64_t epoch, std::vector<LinePtr>& lines);
  LinePtr get(int64_t row);
  // Rows [first, first + count): found ones, null elsewhere; `missing_pages` gets the
  // pages with a missing row that nobody has asked for yet, which are now marked asked.
  void get_range(int64_t first, int count, std::vector<LinePtr>& out,
                 std::vector<int64_t>& missing_pages);
  // A page's answer came (or was refused): it may be asked for again.
  void page_done(int64_t page);
  size_t size() const;
  size_t capacity() const { return capacity_; }
  std::vector<int64_t> rows() const;
  // Removes every row and returns their numbers (the naive refetch's "mark stale").
  std::vector<int64_t> take_all();

 private:
  void insert_locked(LinePtr line);
  struct Entry {
    LinePtr line;
    std::list<int64_t>::iterator lru;
  };
  const size_t capacity_;
  mutable std::mutex mutex_;
  uint64_t epoch_ = 0;
  std::list<int64_t> lru_;  // most recent first
  std::unordered_map<int64_t, Entry> rows_;
  std::unordered_set<int64_t> asked_;  // pages requested and not answered
};

class RemotePaneModel {
 public:
  RemotePaneModel(net::PaneId id, size_t history_rows);

  net::PaneId id() const { return id_; }
  bool has_screen() const { return synced_; }
  uint64_t epoch() const { return back_.screen->history_epoch; }
  int64_t top() const { return back_.screen->top_stable_row; }
  int cols() const { return back_.screen->cols; }
  const std::shared_ptr<HistoryCache>& history() const { return history_; }
  // What a Resume tells the server this client holds of the pane.
  net::Resume::Pane resume_state() const {
    const RemoteScreen& s = *back_.screen;
    return {id_,
            s.server_version,
            s.history_epoch,
            StableRow(s.top_stable_row),
            static_cast<int32_t>(s.rows),
            (s.modes & net::mode::alt_screen) != 0};
  }

  // Applies a delta to the back buffer. Returns true when it moved the history epoch
  // (the cache was emptied).
  bool apply(const net::PaneDelta& delta, uint64_t& line_counter);
  // A history page: rows of the current epoch go into the cache.
  void apply(const net::LinesReply& reply, uint64_t& line_counter);

  // Links (vt::Style::link ids) this pane's deltas named; thread-safe.
  std::string link_uri(uint32_t id) const;

  // Whether anything changed since the last publish.
  bool dirty() const { return dirty_; }
  // Hands out the back buffer as the new front (to be put in the client's slot), and
  // keeps a pointer to it to bring the next back buffer up to date from.
  std::shared_ptr<const RemoteScreen> publish();
  // After the slot holds the new front: choose and update the next back buffer.
  // Returns true when no buffer was free and the screen was copied whole.
  bool prepare_back();

 private:
  struct Buffer {
    std::shared_ptr<RemoteScreen> screen;
    uint64_t styles_generation = 0;
  };
  uint32_t intern(const vt::Style& style);
  void compact_styles(uint64_t& line_counter);
  // A PDU's style and link tables: its style indices mapped to ours (style_map_), its
  // links remembered.
  void import_tables(const std::vector<net::WireStyle>& styles, const std::vector<net::Link>& links,
                     uint64_t& line_counter);
  // Lines that scroll off the top of the viewport keep their place in the history.
  void retire(RemoteScreen::Line&& line);

  net::PaneId id_;
  bool synced_ = false;
  bool dirty_ = false;
  uint64_t screen_version_ = 0;
  Buffer back_;
  Buffer front_;
  std::vector<Buffer> spare_;

  std::vector<vt::Style> styles_;
  std::unordered_map<vt::Style, uint32_t, vt::StyleHash> style_index_;
  uint64_t styles_generation_ = 1;
  std::vector<uint32_t> style_map_;  // scratch: the PDU's index -> ours

  mutable std::mutex links_mutex_;
  std::unordered_map<uint32_t, std::string> links_;

  std::shared_ptr<HistoryCache> history_;
  std::vector<RemoteScreen::Line> scratch_;
  std::vector<HistoryCache::LinePtr> retired_;
};

}  // namespace cadence::mux
