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
    auto it = index_.find(style);
    if (it != index_.end()) {
      id = it->second;
      return true;
    }
    if (styles_.size() >= kCapacity) return false;
    id = static_cast<StyleId>(styles_.size());
    styles_.push_back(style);
    index_.emplace(style, id);
    return true;
  }
  const Style& get(StyleId id) const { return id < styles_.size() ? styles_[id] : styles_[0]; }
  size_t size() const { return styles_.size(); }
  void clear() {
    styles_.assign(1, Style{});
    index_.clear();
    index_.emplace(Style{}, 0);
  }

 private:
  std::vector<Style> styles_;
  std::unordered_map<Style, StyleId, StyleHash> index_;
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
