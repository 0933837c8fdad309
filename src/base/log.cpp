#include "base/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <vector>

namespace cadence::log {
namespace {

struct Rule {
  std::string tag;
  Level level;
};

// The spec changes rarely (start-up, config reload); tags cache what it says for them
// and compare generations to notice a change.
std::mutex g_mutex;
std::vector<Rule> g_rules;
Level g_default = Level::info;
std::atomic<uint32_t> g_generation{1};
std::atomic<Sink> g_sink{nullptr};

Level resolve(const char* tag) {
  std::lock_guard lock(g_mutex);
  for (const Rule& rule : g_rules)
    if (rule.tag == tag) return rule.level;
  return g_default;
}

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::off: return "off";
  }
  return "?";
}

bool parse_level(std::string_view text, Level& out) {
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (text == level_name(static_cast<Level>(i))) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  if (text == "warning") {
    out = Level::warn;
    return true;
  }
  return false;
}

void configure(std::string_view spec) {
  std::vector<Rule> rules;
  Level fallback = Level::info;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    Level level;
    std::string_view level_text = eq == std::string_view::npos ? item : item.substr(eq + 1);
    if (!parse_level(level_text, level)) {
      std::fprintf(stderr, "cadence: CADENCE_LOG: unknown level '%.*s' ignored\n",
                   static_cast<int>(level_text.size()), level_text.data());
      continue;
    }
    if (eq == std::string_view::npos)
      fallback = level;
    else
      rules.push_back({std::string(item.substr(0, eq)), level});
  }
  {
    std::lock_guard lock(g_mutex);
    g_rules = std::move(rules);
    g_default = fallback;
  }
  g_generation.fetch_add(1, std::memory_order_release);
}

void configure_from_env() {
  const char* spec = std::getenv("CADENCE_LOG");
  configure(spec ? spec : "info");
}

bool Tag::enabled(Level level) const {
  uint32_t current = g_generation.load(std::memory_order_acquire);
  if (generation_.load(std::memory_order_relaxed) != current) {
    level_.store(static_cast<int>(resolve(name_)), std::memory_order_relaxed);
    generation_.store(current, std::memory_order_relaxed);
  }
  return level != Level::off && static_cast<int>(level) >= level_.load(std::memory_order_relaxed);
}

void set_sink(Sink sink) { g_sink.store(sink); }

void write(Level level, const Tag& tag, std::string_view message) {
  if (Sink sink = g_sink.load()) {
    sink(level, tag.name(), message);
    return;
  }
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  char head[96];
  int n = std::snprintf(head, sizeof head, "%5ld.%06ld %-5s %s: ", static_cast<long>(now.tv_sec),
                        now.tv_nsec / 1000, level_name(level).data(), tag.name());
  std::string line(head, n > 0 ? static_cast<size_t>(n) : 0);
  line.append(message);
  line.push_back('\n');
  // One write per line: lines from several threads stay whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace cadence::log
