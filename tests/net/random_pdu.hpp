// Random valid PDUs of every type, for the property tests, the fuzz target and the
// benchmark. Driven by any source of 64-bit numbers (a seeded PRNG in tests, the fuzzer's
// bytes in the fuzz target), so a failing case replays from its seed or input.
//
// Values stay within the protocol's limits but reach their edges (empty strings,
// multi-byte UTF-8, wide cells, clusters, blanks, optional fields on and off), since
// those are where an encoder and a decoder disagree.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>

#include "net/pdu.hpp"

namespace cadence::net::testing {

class RandomPdus {
 public:
  explicit RandomPdus(std::function<uint64_t()> next) : next_(std::move(next)) {}

  Pdu make() { return make(below(std::variant_size_v<Pdu>)); }

  // The PDU of the given variant index (0 .. variant_size - 1).
  Pdu make(size_t index) {
    return make_at(index, std::make_index_sequence<std::variant_size_v<Pdu>>());
  }

  uint64_t below(uint64_t n) { return n ? next_() % n : 0; }
  bool coin() { return below(2) == 1; }

  // A number that is small most of the time and occasionally anywhere in 64 bits, so
  // varints of every length appear.
  uint64_t number() {
    switch (below(4)) {
      case 0: return below(128);
      case 1: return below(1u << 20);
      case 2: return next_();
      default: return below(16);
    }
  }

  std::string text(size_t max_len) {
    static const char* const kPieces[] = {"a", "Z", " ", "~", "é", "中", "😀", "/", "\x7f", ""};
    std::string s;
    size_t n = below(max_len + 1);
    while (s.size() < n) s += kPieces[below(std::size(kPieces))];
    return s;
  }

  // Raw bytes, including NUL and invalid UTF-8: input and clipboard data are opaque.
  std::string bytes(size_t max_len) {
    std::string s(below(max_len + 1), '\0');
    for (auto& c : s) c = static_cast<char>(below(256));
    return s;
  }

  LineCells line(StableRow row, size_t styles) {
    LineCells l;
    l.row = row;
    l.version = number();
    l.wrapped = coin();
    size_t cells = 0;
    const size_t want = below(120);
    while (cells < want) {
      switch (below(8)) {
        case 0: l.text += '\0', cells += 1; break;
        case 1: l.text += "\x01中", cells += 2; break;
        case 2: l.text += "e\x02\xcc\x81", cells += 1; break;
        case 3: l.text += "\x01😀\x02\xef\xb8\x8f", cells += 2; break;
        default: l.text += static_cast<char>(' ' + below(95)), cells += 1; break;
      }
    }
    size_t covered = 0;
    while (styles > 0 && covered < cells && coin()) {
      StyleRun run;
      run.cells = static_cast<uint32_t>(1 + below(cells - covered));
      run.style = static_cast<uint32_t>(below(styles));
      covered += run.cells;
      l.runs.push_back(run);
    }
    return l;
  }

  WireStyle style() {
    WireStyle s;
    if (coin()) s.fg = static_cast<uint32_t>(next_());
    if (coin()) s.bg = (2u << 24) | static_cast<uint32_t>(below(1u << 24));
    if (coin()) s.underline_color = static_cast<uint32_t>(next_());
    if (coin()) s.flags = static_cast<uint16_t>(next_());
    if (coin()) s.underline = static_cast<uint8_t>(below(6));
    if (coin()) s.link = static_cast<uint32_t>(next_());
    return s;
  }

  template <typename Content>
  void content(Content& c) {
    c.styles.resize(below(6));
    for (auto& s : c.styles) s = style();
    c.links.resize(below(3));
    for (auto& l : c.links) l = {static_cast<uint32_t>(number()), text(40)};
    c.lines.resize(below(8));
    int64_t row = static_cast<int64_t>(below(1u << 30));
    for (auto& l : c.lines) {
      row += 1 + static_cast<int64_t>(below(coin() ? 2 : 100000));
      l = line(StableRow(row), c.styles.size());
    }
  }

  int32_t dim() { return static_cast<int32_t>(below(kMaxCellsPerLine + 1)); }
  std::vector<std::string> strings() {
    std::vector<std::string> v(below(4));
    for (auto& s : v) s = text(20);
    return v;
  }

  void fill(Hello& p) { p = {static_cast<uint32_t>(number()), next_(), text(30)}; }
  void fill(HelloReply& p) { p = {static_cast<uint32_t>(number()), next_(), text(30), next_()}; }
  void fill(ErrorPdu& p) { p = {static_cast<ErrorPdu::Code>(below(4)), number(), text(100)}; }
  void fill(Ping& p) { p = {next_(), number()}; }
  void fill(Pong& p) { p = {next_()}; }
  void fill(ListPanes&) {}
  void fill(PaneList& p) {
    p.tabs.resize(below(4));
    for (auto& t : p.tabs) {
      t = {number(), number(), number(), std::nullopt, text(20), coin()};
      if (coin()) t.zoomed = number();
    }
    p.panes.resize(below(6));
    for (auto& pane : p.panes)
      pane = {number(), number(), dim(), dim(), dim(), dim(), text(20), text(30)};
  }
  void fill(Spawn& p) { p = {number(), number(), dim(), dim(), text(30), strings(), strings()}; }
  void fill(Split& p) {
    p = {number(), number(), static_cast<SplitAxis>(below(2)), static_cast<uint16_t>(below(1001)),
         text(30), strings()};
  }
  void fill(Spawned& p) { p = {number(), number(), number(), number()}; }
  void fill(ClosePane& p) { p = {number()}; }
  void fill(MovePane& p) { p = {number(), number(), number()}; }
  void fill(TabEvent& p) {
    p = {static_cast<TabEvent::Kind>(below(5)), number(), number(), text(20)};
  }
  void fill(PaneEvent& p) {
    p = {static_cast<PaneEvent::Kind>(below(4)), number(), number(), static_cast<int32_t>(next_())};
  }
  void fill(WriteToPane& p) { p = {number(), bytes(64)}; }
  void fill(Paste& p) { p = {number(), text(200)}; }
  void fill(Mouse& p) {
    auto pos = [&] {
      return static_cast<int32_t>(below(2 * kMaxCellsPerLine + 1)) -
             static_cast<int32_t>(kMaxCellsPerLine);
    };
    p = {number(),
         static_cast<Mouse::Kind>(below(4)),
         static_cast<uint8_t>(below(256)),
         static_cast<uint8_t>(below(8)),
         pos(),
         pos(),
         pos(),
         pos()};
  }
  void fill(Focus& p) { p = {number(), coin()}; }
  void fill(Resize& p) {
    p = {number(),
         number(),
         dim(),
         dim(),
         static_cast<int32_t>(below(1u << 20)),
         static_cast<int32_t>(below(1u << 20))};
  }
  void fill(PaneDelta& p) {
    p.pane = number();
    p.version = number();
    p.resize_id = number();
    p.input_serial = number();
    p.rows = dim();
    p.cols = dim();
    p.top = StableRow(static_cast<int64_t>(below(1ull << 40)));
    p.history_epoch = number();
    p.modes = static_cast<uint32_t>(next_());
    p.cursor = {dim(), dim(), static_cast<uint8_t>(below(7)), coin()};
    if (coin()) p.title = text(40);
    if (coin()) p.cwd = text(40);
    if (coin()) {
      p.progress_state = static_cast<uint8_t>(below(5));
      p.progress_value = static_cast<uint8_t>(below(101));
    }
    content(p);
  }
  void fill(FetchLines& p) {
    p = {number(), number(), number(), StableRow(static_cast<int64_t>(number() >> 1)),
         static_cast<uint32_t>(below(kMaxFetchLines + 1))};
  }
  void fill(LinesReply& p) {
    p.request_id = number();
    p.pane = number();
    p.history_epoch = number();
    p.first_available = StableRow(static_cast<int64_t>(below(1u << 30)));
    content(p);
  }
  void fill(Credit& p) { p = {static_cast<uint32_t>(number())}; }
  void fill(Clipboard& p) {
    p = {number(), static_cast<Clipboard::Selection>(below(2)), bytes(100)};
  }
  void fill(Bell& p) { p = {number()}; }
  void fill(Resume& p) {
    p.instance = next_();
    p.panes.resize(below(5));
    for (Resume::Pane& pane : p.panes) {
      pane = {number(),
              number(),
              number(),
              StableRow(static_cast<int64_t>(below(1u << 30))),
              static_cast<int32_t>(below(500)),
              coin()};
    }
  }
  void fill(Activate& p) { p = {number()}; }
  void fill(RenameTab& p) { p = {number(), text(40)}; }

 private:
  template <size_t... I>
  Pdu make_at(size_t index, std::index_sequence<I...>) {
    Pdu out;
    (void)((index == I ? (out = make_one<I>(), true) : false) || ...);
    return out;
  }
  template <size_t I>
  Pdu make_one() {
    std::variant_alternative_t<I, Pdu> v;
    fill(v);
    return v;
  }

  std::function<uint64_t()> next_;
};

}  // namespace cadence::net::testing
