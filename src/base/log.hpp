// Logging with levels and per-module tags.
//
// The level of each tag comes from one spec string, as in CADENCE_LOG=debug,render=trace:
// a bare level sets the default, `tag=level` overrides one tag. Messages are built only
// when their level is enabled, so a disabled trace line costs one relaxed load and a
// compare. Output goes to stderr, one line per message, written with a single write(2)
// so lines from different threads never interleave.
#pragma once

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace cadence::log {

enum class Level : int { trace = 0, debug, info, warn, error, off };

// Parses a spec ("info", "debug,render=trace,vt=off"). Unknown levels are reported on
// stderr and ignored; the rest of the spec still applies.
void configure(std::string_view spec);
// configure() from $CADENCE_LOG, or "info" when it is unset.
void configure_from_env();

std::string_view level_name(Level level);
bool parse_level(std::string_view text, Level& out);

// One per module. The tag resolves its level lazily and again after each configure().
class Tag {
 public:
  constexpr explicit Tag(const char* name) : name_(name) {}
  bool enabled(Level level) const;
  const char* name() const { return name_; }

 private:
  const char* name_;
  mutable std::atomic<uint32_t> generation_{0};
  mutable std::atomic<int> level_{0};
};

void write(Level level, const Tag& tag, std::string_view message);

// Redirects output (tests); nullptr restores stderr. The sink gets whole lines.
using Sink = void (*)(Level, std::string_view tag, std::string_view message);
void set_sink(Sink sink);

template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

}  // namespace cadence::log

#define CADENCE_LOG_AT(level, tag, ...)                                           \
  do {                                                                            \
    if ((tag).enabled(level))                                                     \
      ::cadence::log::write((level), (tag), ::cadence::log::concat(__VA_ARGS__)); \
  } while (0)

#define LOG_TRACE(tag, ...) CADENCE_LOG_AT(::cadence::log::Level::trace, tag, __VA_ARGS__)
#define LOG_DEBUG(tag, ...) CADENCE_LOG_AT(::cadence::log::Level::debug, tag, __VA_ARGS__)
#define LOG_INFO(tag, ...) CADENCE_LOG_AT(::cadence::log::Level::info, tag, __VA_ARGS__)
#define LOG_WARN(tag, ...) CADENCE_LOG_AT(::cadence::log::Level::warn, tag, __VA_ARGS__)
#define LOG_ERROR(tag, ...) CADENCE_LOG_AT(::cadence::log::Level::error, tag, __VA_ARGS__)
