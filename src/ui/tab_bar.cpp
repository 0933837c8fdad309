// TabBar (see tab_bar.hpp): layout, the default title format, Lua results as cells, and
// the two caches.
#include "ui/tab_bar.hpp"

#include <algorithm>

#include "base/clock.hpp"
#include "vt/unicode/unicode.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {
namespace {

constexpr const char* kNewTab = " + ";
constexpr int kNewTabWidth = 3;

struct Pen {
  uint32_t fg;
  uint32_t bg;
  bool bold = false;
  bool italic = false;
  bool underline = false;
};

Pen pen_of(const config::TabStyle& s) { return {s.fg, s.bg, s.bold, s.italic, s.underline}; }

// Appends `text` in `pen`, stopping before the cell that would pass `limit` columns.
// Returns false when it had to stop. Zero-width code points (combining marks) are
// dropped: the tab bar draws one code point per cell.
// OSC 9;4 as the tab shows it: " 40%", or " \u22ef" while the program cannot say how far
// it is (indeterminate); nothing without progress.
std::string progress_text(const TabInfo& tab) {
  if (tab.progress_state == 3) return " \u22ef";
  if (tab.progress_state == 0 || tab.progress < 0) return {};
  return " " + std::to_string(tab.progress) + "%";
}

}  // namespace

uint32_t progress_color(int state) {
  switch (state) {
    case 2: return 0xff5f5f;  // error
    case 3: return 0x5fafd7;  // indeterminate
    case 4: return 0xd7af5f;  // paused
    default: return 0x5fd75f;
  }
}

namespace {

bool append(std::vector<TabBarCell>& out, std::string_view text, const Pen& pen, size_t limit) {
  for (char32_t cp : vt::decode_utf8(text)) {
    const int w = cp < 0x20 ? 0 : vt::unicode::width(cp);
    if (w == 0) continue;
    if (out.size() + static_cast<size_t>(w) > limit) return false;
    out.push_back(
        {cp, pen.fg, pen.bg, pen.bold, pen.italic, pen.underline, static_cast<uint8_t>(w)});
    if (w == 2) out.push_back({0, pen.fg, pen.bg, pen.bold, pen.italic, pen.underline, 0});
  }
  return true;
}

int display_width(std::string_view text) {
  int w = 0;
  for (char32_t cp : vt::decode_utf8(text)) w += cp < 0x20 ? 0 : vt::unicode::width(cp);
  return w;
}

}  // namespace

int TabBarLine::tab_at(int col) const {
  for (size_t i = 0; i < tabs.size(); ++i) {
    if (col >= tabs[i].first_col && col < tabs[i].end_col) return static_cast<int>(i);
  }
  return -1;
}

std::vector<TabBarCell> with_hover(const TabBarLine& line, int col, const config::Config& cfg) {
  std::vector<TabBarCell> cells = line.cells;
  int first = -1, end = -1;
  const config::TabStyle* style = nullptr;
  if (const int t = line.tab_at(col); t >= 0 && !line.tabs[t].active) {
    first = line.tabs[t].first_col;
    end = line.tabs[t].end_col;
    style = &cfg.colors.tab_bar.inactive_tab_hover;
  } else if (line.new_tab_at(col)) {
    first = line.new_tab_first;
    end = line.new_tab_end;
    style = &cfg.colors.tab_bar.new_tab_hover;
  }
  for (int c = std::max(first, 0); style && c < end; ++c) {
    TabBarCell& cell = cells[c];
    cell.fg = style->fg;
    cell.bg = style->bg;
    cell.bold = style->bold;
    cell.italic = style->italic;
    cell.underline = style->underline;
  }
  return cells;
}

// --- titles ---------------------------------------------------------------------------

void TabBar::format_title(const TabInfo& tab, std::span<const TabInfo> tabs,
                          const config::Config& cfg, int max_width, std::vector<TabBarCell>& out) {
  out.clear();
  const config::TabBarColors& colors = cfg.colors.tab_bar;
  const Pen base = pen_of(tab.active ? colors.active_tab : colors.inactive_tab);
  const size_t limit = static_cast<size_t>(max_width);
  if (cfg.lua) {
    const uint64_t start = monotonic_ns();
    const auto result = cfg.lua->format_tab_title(tab, tabs, max_width, spans_);
    if (result != config::LuaRuntime::Title::no_handler) {
      ++stats_.lua_calls;
      stats_.lua_us += (monotonic_ns() - start) / 1000;
    }
    if (result == config::LuaRuntime::Title::formatted) {
      for (const config::TitleSpan& s : spans_) {
        const Pen pen{s.fg.value_or(base.fg), s.bg.value_or(base.bg), base.bold || s.bold,
                      base.italic || s.italic, base.underline || s.underline};
        if (!append(out, s.text, pen, limit)) break;
      }
      return;
    }
  }
  // The default: " 3: title ", with the progress and an unseen-output mark, cut with an
  // ellipsis when it does not fit. The progress is coloured by its state, so a failed
  // build is told from a running one without reading the number.
  const std::string& title = tab.title.empty() ? tab.active_pane_title : tab.title;
  const std::string progress = progress_text(tab);
  std::string suffix;
  if (tab.has_unseen_output && !tab.active) suffix += " \u2022";
  suffix += " ";
  const std::string prefix = " " + std::to_string(tab.index + 1) + ": ";
  const int fixed = display_width(prefix) + display_width(progress) + display_width(suffix);
  append(out, prefix, base, limit);
  if (display_width(title) <= max_width - fixed) {
    append(out, title, base, limit);
  } else if (max_width - fixed >= 1) {
    append(out, title, base,
           static_cast<size_t>(max_width - display_width(progress) - display_width(suffix) - 1));
    append(out, "\u2026", base, limit);
  }
  if (!progress.empty()) {
    Pen pen = base;
    pen.fg = progress_color(tab.progress_state);
    append(out, progress, pen, limit);
  }
  append(out, suffix, base, limit);
}

const std::vector<TabBarCell>& TabBar::title_cells(const TabInfo& tab,
                                                   std::span<const TabInfo> tabs,
                                                   const config::Config& cfg, int max_width) {
  std::vector<TitleEntry>& entries = titles_[tab.id];
  ++use_clock_;
  for (TitleEntry& e : entries) {
    if (e.version == tab.version && e.generation == cfg.generation && e.max_width == max_width &&
        e.active == tab.active && e.index == tab.index) {
      e.last_used = use_clock_;
      ++stats_.title_hits;
      return e.cells;
    }
  }
  // Entries for an older version or config never match again.
  std::erase_if(entries, [&](const TitleEntry& e) {
    return e.version != tab.version || e.generation != cfg.generation;
  });
  if (entries.size() >= kTitleVariants) {
    entries.erase(
        std::min_element(entries.begin(), entries.end(),
                         [](const auto& a, const auto& b) { return a.last_used < b.last_used; }));
  }
  TitleEntry& e = entries.emplace_back(
      TitleEntry{tab.version, cfg.generation, max_width, tab.index, tab.active, use_clock_, {}});
  format_title(tab, tabs, cfg, max_width, e.cells);
  return e.cells;
}

// --- the line -------------------------------------------------------------------------

void TabBar::assemble(std::span<const TabInfo> tabs, const config::Config& cfg, int width) {
  const config::TabBarColors& colors = cfg.colors.tab_bar;
  const Pen background{colors.inactive_tab.fg, colors.background};
  const size_t limit = static_cast<size_t>(std::max(width, 0));
  std::vector<TabBarCell>& cells = line_.cells;
  cells.clear();
  line_.tabs.clear();
  line_.new_tab_first = line_.new_tab_end = -1;

  append(cells, left_status_, background, limit);
  const std::string& right = banner_.empty() ? right_status_ : banner_;
  const Pen right_pen = banner_.empty() ? background : pen_of(colors.active_tab);
  const int right_width = std::min(display_width(right), width - static_cast<int>(cells.size()));
  const int room = width - static_cast<int>(cells.size()) - std::max(right_width, 0) - kNewTabWidth;
  const int n = static_cast<int>(tabs.size());
  const int max_width = n == 0 ? 0 : std::clamp(room / n, 1, cfg.tab_max_width);
  for (const TabInfo& tab : tabs) {
    const std::vector<TabBarCell>& title = title_cells(tab, tabs, cfg, max_width);
    const int first = static_cast<int>(cells.size());
    if (first + static_cast<int>(title.size()) > width) break;
    cells.insert(cells.end(), title.begin(), title.end());
    line_.tabs.push_back({tab.id, tab.index, tab.active, first, static_cast<int>(cells.size())});
  }
  const int before_new_tab = static_cast<int>(cells.size());
  if (before_new_tab + kNewTabWidth <= width) {
    append(cells, kNewTab, pen_of(colors.new_tab), limit);
    line_.new_tab_first = before_new_tab;
    line_.new_tab_end = before_new_tab + kNewTabWidth;
  }
  // The right status is right-aligned; what does not fit loses its end.
  const size_t right_start = std::max<size_t>(cells.size(), limit - std::max(right_width, 0));
  while (cells.size() < right_start) append(cells, " ", background, limit);
  append(cells, right, right_pen, limit);
  while (cells.size() < limit) append(cells, " ", background, limit);
  // A wide character cut in half at the end becomes a blank.
  if (!cells.empty() && cells.back().width == 2)
    cells.back() = {U' ', background.fg, background.bg};
}

const TabBarLine& TabBar::build(uint64_t tabs_version, std::span<const TabInfo> tabs,
                                const config::Config& cfg, int width_cells) {
  bool hit = valid_ && tabs_version == tabs_version_ && cfg.generation == generation_ &&
             width_cells == width_ && status_version_ == built_status_version_ &&
             tabs.size() == tab_versions_.size();
  for (size_t i = 0; hit && i < tabs.size(); ++i) {
    hit = tab_versions_[i].first == tabs[i].id && tab_versions_[i].second == tabs[i].version;
  }
  if (hit) {
    ++stats_.hits;
    return line_;
  }
  ++stats_.misses;
  lua_ = cfg.lua;
  assemble(tabs, cfg, width_cells);
  // Forget tabs that are gone.
  if (titles_.size() > tabs.size()) {
    std::erase_if(titles_, [&](const auto& entry) {
      return std::none_of(tabs.begin(), tabs.end(),
                          [&](const TabInfo& t) { return t.id == entry.first; });
    });
  }
  valid_ = true;
  tabs_version_ = tabs_version;
  generation_ = cfg.generation;
  width_ = width_cells;
  built_status_version_ = status_version_;
  tab_versions_.clear();
  for (const TabInfo& t : tabs) tab_versions_.emplace_back(t.id, t.version);
  return line_;
}

void TabBar::invalidate() {
  valid_ = false;
  titles_.clear();
}

// --- status ---------------------------------------------------------------------------

bool TabBar::set_left_status(std::string text) {
  if (text == left_status_) return false;
  left_status_ = std::move(text);
  ++status_version_;
  return true;
}

bool TabBar::set_right_status(std::string text) {
  if (text == right_status_) return false;
  right_status_ = std::move(text);
  ++status_version_;
  return true;
}

bool TabBar::set_banner(std::string text) {
  if (text == banner_) return false;
  banner_ = std::move(text);
  ++status_version_;
  return true;
}

bool TabBar::wants_status_updates() const { return lua_ && lua_->has_handler("update-status"); }

bool TabBar::update_status(config::LuaHost& host) {
  if (!wants_status_updates()) return false;
  // The window's host, except that status text lands in this tab bar.
  class StatusHost : public config::LuaHost {
   public:
    StatusHost(TabBar& bar, config::LuaHost& host) : bar_(bar), host_(host) {}
    void perform(const config::Action& a) override { host_.perform(a); }
    std::string active_tab_title() override { return host_.active_tab_title(); }
    std::string active_pane_title() override { return host_.active_pane_title(); }
    uint64_t active_pane_id() override { return host_.active_pane_id(); }
    void send_text(std::string_view text) override { host_.send_text(text); }
    void set_left_status(std::string text) override { bar_.set_left_status(std::move(text)); }
    void set_right_status(std::string text) override { bar_.set_right_status(std::move(text)); }

   private:
    TabBar& bar_;
    config::LuaHost& host_;
  } status_host(*this, host);
  const uint64_t before = status_version_;
  ++stats_.status_calls;
  lua_->emit("update-status", status_host);
  return status_version_ != before;
}

}  // namespace cadence::ui
