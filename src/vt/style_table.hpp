// Interned styles and grapheme clusters of one terminal.
//
// Live cells name their style by a 16-bit id into this table and their multi-code-point
// grapheme clusters by an id into a cluster table. Both tables only grow while the
// screen changes; when one fills up, the terminal compacts it by keeping what the
// screens still use (Terminal::compact_tables). Lines in the scrollback are packed with
// their styles and text inline, so they never pin entries here.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "vt/cell.hpp"

namespace cadence::vt {

class StyleTable {
 public:
  static constexpr size_t kCapacity = 65535;

  StyleTable() { clear(); }

  // The id of `style`, adding it if new. Returns false if the table is full.
  bool intern(const Style& style, StyleId& id) {
    if (style == Style{}) {
      id = 0;
      return true;
    }
    // Every SGR sequence that changes the pen ends up here. Open addressing over ids:
    // one hash, then usually one slot and one comparison, where a node-based map
    // divides by a prime and chases a pointer.
    const size_t mask = slots_.size() - 1;
    for (size_t i = StyleHash{}(style)&mask;; i = (i + 1) & mask) {
      const StyleId slot = slots_[i];
      if (slot == 0) return add(style, i, id);
      if (styles_[slot] == style) {
        id = slot;
        return true;
      }
    }
  }
  const Style& get(StyleId id) const { return id < styles_.size() ? styles_[id] : styles_[0]; }
  size_t size() const { return styles_.size(); }
  void clear() {
    styles_.assign(1, Style{});
    slots_.assign(kInitialSlots, 0);
  }

 private:
  static constexpr size_t kInitialSlots = 64;

  [[gnu::noinline]] bool add(const Style& style, size_t slot, StyleId& id) {
    if (styles_.size() >= kCapacity) return false;
    id = static_cast<StyleId>(styles_.size());
    styles_.push_back(style);
    slots_[slot] = id;
    // At most half full, so probe runs stay short.
    if (styles_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
    return true;
  }
  void rehash(size_t slots) {
    slots_.assign(slots, 0);
    const size_t mask = slots - 1;
    for (size_t id = 1; id < styles_.size(); ++id) {
      size_t i = StyleHash{}(styles_[id]) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<StyleId>(id);
    }
  }

  std::vector<Style> styles_;   // by id; 0 is the default style, never in slots_
  std::vector<StyleId> slots_;  // ids by hash, a power of two of them; 0 = empty
};

class ClusterTable {
 public:
  static constexpr size_t kCapacity = 1 << 16;

  // Id (>= kClusterBase) of a cluster, or 0 when the table is full.
  char32_t intern(const std::u32string& cluster) {
    auto it = index_.find(cluster);
    if (it != index_.end()) return it->second;
    if (clusters_.size() >= kCapacity) return 0;
    char32_t id = kClusterBase + static_cast<char32_t>(clusters_.size());
    clusters_.push_back(cluster);
    index_.emplace(cluster, id);
    return id;
  }
  const std::u32string& get(char32_t id) const { return clusters_[id - kClusterBase]; }
  bool contains(char32_t id) const {
    return id >= kClusterBase && id - kClusterBase < clusters_.size();
  }
  size_t size() const { return clusters_.size(); }
  void clear() {
    clusters_.clear();
    index_.clear();
  }

 private:
  std::vector<std::u32string> clusters_;
  std::unordered_map<std::u32string, char32_t> index_;
};

}  // namespace cadence::vt
