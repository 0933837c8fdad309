// `cadence cli frame-log`: fetches the frame log of a running cadence over its control
// socket (or reads a saved one) and turns it into a summary, a Chrome trace, a chart or
// the raw JSON lines.
//
// The window only hands over its ring as JSON lines with the refresh interval; every
// figure is computed here from the pure functions of src/framelog, so a saved ring
// (--dump, or a --frame-log file) gives exactly what the live window would.
//
// Which window: --socket PATH; else $CADENCE_SOCKET, which cadence sets for the programs
// it starts, so the command run inside a cadence pane reads its own window; else the
// newest live socket in $XDG_RUNTIME_DIR/cadence.
//
// Exit status: 0 done, 1 no window to ask or a file that could not be read or written,
// 2 a usage error.
#include "app/cli.hpp"
#include "app/cli_common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/control_socket.hpp"
#include "base/result.hpp"
#include "framelog/flat_json.hpp"
#include "framelog/frame_log.hpp"
#include "framelog/plot.hpp"
#include "framelog/summary.hpp"
#include "framelog/trace.hpp"
#include "render/png.hpp"

namespace cadence::app {
namespace {

// A ring of 4,096 records is about 6 MB of JSON; anything far past that is not a reply.
constexpr size_t kMaxReply = 64u << 20;
constexpr int kTimeoutMs = 10000;
constexpr uint64_t kDefaultRefreshNs = 16666667;

constexpr const char* kUsage =
    "usage: cadence cli frame-log [options]\n"
    "\n"
    "Reads the frame log of a running cadence (or a saved one) and prints or writes:\n"
    "  --summary          p50/p90/p99/max per phase, stalls by cause, frames/s (default)\n"
    "  --json             the summary as one JSON object instead of a table\n"
    "  --trace FILE       Chrome trace-event JSON (Perfetto, chrome://tracing)\n"
    "  --plot FILE        frame-time chart as PNG\n"
    "  --svg FILE         frame-time chart as SVG\n"
    "  --dump FILE        the records as JSON lines, for --from later ('-': stdout)\n"
    "\n"
    "which frames:\n"
    "  --last SECONDS     only frames committed in the last SECONDS\n"
    "  --socket PATH      the window's control socket (default: $CADENCE_SOCKET, else\n"
    "                     the newest in $XDG_RUNTIME_DIR/cadence)\n"
    "  --from FILE        read a --dump or --frame-log file instead of asking a window\n"
    "  --refresh-ms MS    refresh interval for --from files without one (default 16.667)\n";

struct CliOptions {
  bool summary = false;
  bool json = false;
  std::string trace, plot, svg, dump;
  double last_seconds = 0;
  std::string socket, from;
  double refresh_ms = 0;
};

// The frames and what they are measured against.
struct Ring {
  std::vector<framelog::FrameRecord> records;
  uint64_t refresh_ns = kDefaultRefreshNs;
  uint64_t now_ns = 0;  // the window's clock when it answered; 0: unknown
  std::string header;   // the reply's first line, kept by --dump
};

Result<double> parse_number(std::string_view option, std::string_view text, double max) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno != 0 || !(v > 0) || v > max) {
    return make_error(std::string(option) + ": '" + copy + "' is not a number above 0 and up to " +
                      std::to_string(static_cast<long long>(max)));
  }
  return v;
}

Result<CliOptions> parse(std::span<char*> args) {
  CliOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return make_error(std::string(arg) + " needs a value");
      return std::string(args[++i]);
    };
    Result<std::string> v = std::string();
    if (arg == "--summary") {
      o.summary = true;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--trace" || arg == "--plot" || arg == "--svg" || arg == "--dump" ||
               arg == "--socket" || arg == "--from") {
      if (!(v = value())) return v.error();
      std::string& target = arg == "--trace"    ? o.trace
                            : arg == "--plot"   ? o.plot
                            : arg == "--svg"    ? o.svg
                            : arg == "--dump"   ? o.dump
                            : arg == "--socket" ? o.socket
                                                : o.from;
      target = v.value();
    } else if (arg == "--last" || arg == "--refresh-ms") {
      if (!(v = value())) return v.error();
      Result<double> n = parse_number(arg, v.value(), arg == "--last" ? 1e7 : 1000);
      if (!n) return n.error();
      (arg == "--last" ? o.last_seconds : o.refresh_ms) = n.value();
    } else {
      return make_error("unknown option '" + std::string(arg) + "'");
    }
  }
  if (!o.socket.empty() && !o.from.empty())
    return make_error("--socket and --from exclude each other");
  if (o.trace.empty() && o.plot.empty() && o.svg.empty() && o.dump.empty()) o.summary = true;
  if (o.json && !o.summary) return make_error("--json formats the summary; add --summary");
  return o;
}

// Header fields of a reply or a dump: {"ok":true,"refresh_ns":...,"now_ns":...}.
Result<void> read_header(const std::string& line, Ring& ring) {
  Result<framelog::FlatObject> h = framelog::parse_flat_json(line);
  if (!h) return make_error("unreadable reply header: " + h.error().message);
  const framelog::FlatValue* ok = framelog::find_key(h.value(), "ok");
  if (!ok || ok->kind != framelog::FlatValue::Kind::boolean) {
    return make_error("unreadable reply header: " + line);
  }
  if (!ok->boolean) {
    const framelog::FlatValue* e = framelog::find_key(h.value(), "error");
    return make_error("cadence answered: " + (e ? e->string : line));
  }
  if (const framelog::FlatValue* r = framelog::find_key(h.value(), "refresh_ns");
      r && r->is_integer && r->integer > 0) {
    ring.refresh_ns = r->integer;
  }
  if (const framelog::FlatValue* n = framelog::find_key(h.value(), "now_ns"); n && n->is_integer) {
    ring.now_ns = n->integer;
  }
  ring.header = line;
  return {};
}

// JSON lines, an optional header first. `where` names the source in errors.
Result<void> read_lines(std::string_view text, const std::string& where, Ring& ring) {
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    if (line_no == 1 && line.find("\"ok\":") != std::string_view::npos) {
      if (Result<void> r = read_header(std::string(line), ring); !r) return r;
      continue;
    }
    Result<framelog::FrameRecord> rec = framelog::parse_json_line(line);
    if (!rec) return make_error(where + ":" + std::to_string(line_no) + ": " + rec.error().message);
    ring.records.push_back(rec.value());
  }
  return {};
}

Result<Ring> fetch(const CliOptions& o) {
  Ring ring;
  if (!o.from.empty()) {
    std::ifstream in(o.from, std::ios::binary);
    if (!in) return make_error("cannot read " + o.from + ": " + std::strerror(errno));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (Result<void> r = read_lines(text, o.from, ring); !r) return r.error();
    if (ring.now_ns == 0) {
      for (const framelog::FrameRecord& r : ring.records)
        ring.now_ns = std::max(ring.now_ns, r.commit_ns);
    }
  } else {
    Result<WindowSocket> socket = window_socket(o.socket);
    if (!socket) return socket.error();
    const std::string& path = socket->path;
    Result<std::string> reply = control_request(path, "frame-log", kMaxReply, kTimeoutMs);
    if (!reply) return reply.error();
    if (Result<void> r = read_lines(reply.value(), path, ring); !r) return r.error();
    if (ring.header.empty()) return make_error(path + " sent no header: is it a cadence socket?");
  }
  if (o.refresh_ms > 0) ring.refresh_ns = static_cast<uint64_t>(o.refresh_ms * 1e6);
  return ring;
}

Result<void> write_file(const std::string& path, const std::string& data) {
  if (path == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    return {};
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return make_error("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok) return make_error("writing " + path + " failed");
  return {};
}

int frame_log(const CliOptions& o) {
  Result<Ring> fetched = fetch(o);
  if (!fetched) {
    std::fprintf(stderr, "cadence cli: %s\n", fetched.error().message.c_str());
    return kExitFailure;
  }
  Ring& ring = fetched.value();
  const std::vector<framelog::FrameRecord> records =
      framelog::last_seconds(ring.records, ring.now_ns, o.last_seconds);
  std::vector<std::pair<std::string, std::string>> files;  // path, contents
  if (!o.dump.empty()) {
    std::string text = ring.header.empty() ? "" : ring.header + "\n";
    for (const framelog::FrameRecord& r : records) {
      text += framelog::to_json_line(r, ring.refresh_ns) + "\n";
    }
    files.emplace_back(o.dump, std::move(text));
  }
  if (!o.trace.empty()) {
    files.emplace_back(o.trace, framelog::to_chrome_trace(records, ring.refresh_ns).json);
  }
  if (!o.svg.empty() || !o.plot.empty()) {
    const framelog::PlotScene scene =
        framelog::plot_scene(records, ring.refresh_ns, framelog::PlotOptions{});
    if (!o.svg.empty()) files.emplace_back(o.svg, framelog::plot_svg(scene));
    if (!o.plot.empty()) {
      const framelog::RgbaImage img = framelog::rasterize(scene);
      const std::vector<uint8_t> png = render::encode_png(img.width, img.height, img.pixels);
      files.emplace_back(o.plot, std::string(png.begin(), png.end()));
    }
  }
  for (const auto& [path, data] : files) {
    if (Result<void> r = write_file(path, data); !r) {
      std::fprintf(stderr, "cadence cli: %s\n", r.error().message.c_str());
      return kExitFailure;
    }
  }
  if (o.summary) {
    const framelog::Summary s = framelog::summarize(records, ring.refresh_ns);
    const std::string text = o.json ? framelog::summary_json(s, ring.refresh_ns) + "\n"
                                    : framelog::format_summary(s, ring.refresh_ns);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return kExitOk;
}

}  // namespace

int frame_log_main(std::span<char*> args) {
  if (!args.empty() &&
      (std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h")) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  Result<CliOptions> o = parse(args);
  if (!o) {
    std::fprintf(stderr, "cadence cli: %s\n\n%s", o.error().message.c_str(), kUsage);
    return kExitUsage;
  }
  return frame_log(o.value());
}

}  // namespace cadence::app
