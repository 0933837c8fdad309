// cadence: the terminal's entry point.
//
// Parses the options into a ui::WindowConfig and runs the window. --probe keeps the
// check that made the first thing that can go wrong on a user's machine visible (no
// Wayland session, a missing protocol, no GL ES 3) without opening a window.
//
// Options are a table (name, argument, help, what it sets), so --help is generated from
// the same rows that parse. `-e` ends option parsing: everything after it is the command.
// Exit status: the program's own status when it exits; 0 for --help and --version; 1 when
// the environment cannot run cadence; 2 for a usage error.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/build_info.hpp"
#include "app/cli.hpp"
#include "app/term_choice.hpp"
#include "base/log.hpp"
#include "base/result.hpp"
#include "config/config.hpp"
#include "render/egl_context.hpp"
#include "render/font/font_set.hpp"
#include "ssh/target.hpp"
#include "ui/shell_integration.hpp"
#include "ui/terminal_window.hpp"
#include "wayland/display.hpp"
#include "wayland/known_globals.hpp"

#ifndef CADENCE_VERSION
#error "CADENCE_VERSION is defined by the build (src/render/meson.build)"
#endif

namespace cadence::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Where `meson install` puts the terminfo entry and the shell integration scripts.
constexpr const char* kPrefixTerminfo = CADENCE_DATADIR "/terminfo";
constexpr const char* kShellIntegrationDir = CADENCE_DATADIR "/cadence/shell-integration";

std::optional<std::string> env_lookup(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

// The shell integration folder: $CADENCE_SHELL_INTEGRATION_DIR (a copy kept elsewhere,
// or the source tree's for tests), else the installed one; "" when it has no scripts.
std::string shell_integration_dir() {
  std::string dir = env_lookup("CADENCE_SHELL_INTEGRATION_DIR").value_or(kShellIntegrationDir);
  if (access((dir + "/" + ui::kBashIntegrationScript).c_str(), R_OK) != 0) return {};
  return dir;
}

struct Options {
  bool help = false;
  bool version = false;
  bool probe = false;
  std::string font;
  std::string scrollback;
  std::string config_path;
  ui::WindowConfig window;
};

struct OptionSpec {
  char short_name;         // '\0' for none
  const char* long_name;   // without the leading "--"
  const char* value_name;  // nullptr for a flag
  const char* help;
  void (*apply)(Options& options, std::string_view value);
};

constexpr OptionSpec kOptions[] = {
    {'e', "exec", nullptr, "run the rest of the command line instead of the shell",
     [](Options&, std::string_view) {}},
    {'c', "config", "FILE", "the Lua configuration (default ~/.config/cadence/cadence.lua)",
     [](Options& o, std::string_view v) { o.config_path = v; }},
    {'f', "font", "FAMILY:SIZE", "font family and size in points (default monospace:11)",
     [](Options& o, std::string_view v) { o.font = v; }},
    {'T', "title", "TITLE", "window title until the program sets one",
     [](Options& o, std::string_view v) { o.window.title = v; }},
    {'a', "app-id", "ID", "Wayland app_id (default cadence)",
     [](Options& o, std::string_view v) { o.window.app_id = v; }},
    {'H', "hold", nullptr, "keep the window open after the program exits",
     [](Options& o, std::string_view) { o.window.hold = true; }},
    {'\0', "scrollback", "LINES", "lines of history kept (default 10000)",
     [](Options& o, std::string_view v) { o.scrollback = v; }},
    {'\0', "csd", nullptr, "draw the title bar and borders even if the compositor would",
     [](Options& o, std::string_view) { o.window.client_side_decorations = true; }},
    {'\0', "cursor-blink", nullptr, "blink the cursor when the program asks for it",
     [](Options& o, std::string_view) { o.window.cursor_blink = true; }},
    {'\0', "screenshot", "FILE", "where SIGUSR1 and Ctrl+Shift+S save the next frame (PNG)",
     [](Options& o, std::string_view v) { o.window.screenshot_path = v; }},
    {'\0', "frame-stats", "FILE", "write frame counters as JSON at exit and on SIGUSR2",
     [](Options& o, std::string_view v) { o.window.stats_path = v; }},
    {'\0', "frame-log", "FILE", "write one JSON line per frame, stalls and their cause marked",
     [](Options& o, std::string_view v) { o.window.frame_log_path = v; }},
    {'\0', "probe", nullptr, "check Wayland and OpenGL ES 3, print what was found, exit",
     [](Options& o, std::string_view) { o.probe = true; }},
    {'h', "help", nullptr, "show this help and exit",
     [](Options& o, std::string_view) { o.help = true; }},
    {'v', "version", nullptr,
     "show the version, build options and the compositor's Wayland globals",
     [](Options& o, std::string_view) { o.version = true; }},
};

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: cadence [options] [-e COMMAND [ARGS...]]\n"
               "       cadence connect DOMAIN [options]  (DOMAIN: unix, unix:SOCKET, ssh:NAME,\n"
               "                                          or a unix_domains or ssh_domains\n"
               "                                          name)\n"
               "       cadence cli COMMAND [options]      (list, spawn, send-text, get-text, ...:\n"
               "                                          see cadence cli --help)\n\noptions:\n");
  for (const OptionSpec& spec : kOptions) {
    std::string left = spec.short_name ? std::string("-") + spec.short_name + ", " : "    ";
    left += std::string("--") + spec.long_name;
    if (spec.value_name) left += std::string("=") + spec.value_name;
    std::fprintf(out, "  %-22s %s\n", left.c_str(), spec.help);
  }
  std::fprintf(out,
               "\nkeys: Ctrl+Shift+C/V copy/paste, Shift+Insert paste selection, Shift+PgUp/PgDn\n"
               "scroll, Ctrl+=/-/0 font size, Ctrl+Shift+S save the frame as PNG, Ctrl+Shift+F\n"
               "frame-time HUD, Ctrl+Shift+K/J previous/next prompt, Ctrl+Shift+G select the\n"
               "last command's output.\n"
               "CADENCE_LOG=debug (or e.g. render=trace) turns on logging to stderr.\n");
}

Result<Options> parse_options(std::span<char*> args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    const OptionSpec* spec = nullptr;
    std::string_view value;
    bool has_inline_value = false;
    if (arg == "-e" || arg == "--exec" || arg == "--") {
      for (size_t k = i + 1; k < args.size(); ++k) options.window.command.emplace_back(args[k]);
      if (options.window.command.empty()) {
        return make_error("'" + std::string(arg) + "' needs a command to run");
      }
      break;
    }
    if (arg.starts_with("--")) {
      std::string_view name = arg.substr(2);
      if (const size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline_value = true;
      }
      for (const OptionSpec& s : kOptions) {
        if (name == s.long_name) spec = &s;
      }
    } else if (arg.size() == 2 && arg[0] == '-') {
      for (const OptionSpec& s : kOptions) {
        if (s.short_name && arg[1] == s.short_name) spec = &s;
      }
    } else {
      return make_error("unexpected argument '" + std::string(arg) + "'");
    }
    if (spec == nullptr) return make_error("unknown option '" + std::string(arg) + "'");
    if (spec->value_name == nullptr && has_inline_value) {
      return make_error("option '--" + std::string(spec->long_name) + "' takes no value");
    }
    if (spec->value_name != nullptr && !has_inline_value) {
      if (i + 1 >= args.size()) {
        return make_error("option '" + std::string(arg) + "' needs a value (" + spec->value_name +
                          ")");
      }
      value = args[++i];
    }
    spec->apply(options, value);
  }
  if (!options.font.empty()) {
    Result<render::font::FontSpec> font = render::font::parse_font_spec(options.font);
    if (!font) return make_error("--font: " + font.error().message);
    options.window.font = font.value();
  }
  if (!options.scrollback.empty()) {
    char* end = nullptr;
    const long long n = std::strtoll(options.scrollback.c_str(), &end, 10);
    if (end == options.scrollback.c_str() || *end != '\0' || n < 0 || n > 10000000) {
      return make_error("--scrollback: '" + options.scrollback +
                        "' is not a number of lines between 0 and 10000000");
    }
    options.window.scrollback_lines = static_cast<size_t>(n);
  }
  return options;
}

// The version cadence will bind, or why it cannot use what is offered.
std::string describe_use(const wayland::KnownGlobal& known, uint32_t offered) {
  Result<uint32_t> v =
      wayland::negotiate_version(known.interface, offered, known.min_version, known.max_version);
  if (!v) return "too old: cadence needs v" + std::to_string(known.min_version);
  return "used at v" + std::to_string(v.value());
}

int print_version() {
  std::printf("cadence %s\n", CADENCE_VERSION);
  std::printf("build: %s (optimization %s, sanitize %s), %s\n", CADENCE_BUILD_TYPE,
              CADENCE_BUILD_OPTIMIZATION, CADENCE_BUILD_SANITIZE, CADENCE_BUILD_COMPILER);
  std::printf("features: %s\n", CADENCE_BUILD_FEATURES);
  std::printf("prefix: %s\n", CADENCE_PREFIX);
  const TermChoice term = choose_term(env_lookup, kPrefixTerminfo);
  std::printf("TERM: %s%s%s\n", term.term.c_str(), term.terminfo_dir.empty() ? "" : " from ",
              term.terminfo_dir.c_str());
  Result<std::unique_ptr<wayland::Display>> display = wayland::Display::connect();
  if (!display) {
    std::printf("Wayland: not connected (%s)\n", display.error().message.c_str());
    return kExitOk;
  }
  const wayland::Display& d = *display.value();
  std::printf("Wayland: %s offers %zu globals:\n", d.description().c_str(), d.globals().size());
  for (const wayland::Global& g : d.globals()) {
    const wayland::KnownGlobal* known = wayland::find_known_global(g.interface);
    if (known) {
      std::printf("  %-44s v%-3u %s\n", g.interface.c_str(), g.version,
                  describe_use(*known, g.version).c_str());
    } else {
      std::printf("  %-44s v%u\n", g.interface.c_str(), g.version);
    }
  }
  for (const wayland::KnownGlobal& k : wayland::known_globals()) {
    if (d.find(k.interface) == nullptr) {
      std::printf("  not offered: %s (%s)\n", k.interface, k.purpose);
    }
  }
  return kExitOk;
}

int probe() {
  std::printf("cadence %s\n", CADENCE_VERSION);
  Result<std::unique_ptr<wayland::Display>> display = wayland::Display::connect();
  if (!display) {
    std::fprintf(stderr, "cadence: %s\n", display.error().message.c_str());
    return kExitFailure;
  }
  const wayland::Display& d = *display.value();
  std::printf("Wayland: connected to %s, %zu globals\n", d.description().c_str(),
              d.globals().size());
  for (const wayland::KnownGlobal& k : wayland::known_globals()) {
    const wayland::Global* g = d.find(k.interface);
    if (g) {
      std::printf("  %-40s v%-3u %s\n", k.interface, g->version,
                  describe_use(k, g->version).c_str());
    } else {
      std::printf("  %-40s %s: %s\n", k.interface, k.required ? "MISSING" : "not offered",
                  k.purpose);
    }
  }
  const auto problems = wayland::check_required_globals(d);
  for (const std::string& p : problems) std::fprintf(stderr, "cadence: %s\n", p.c_str());
  if (!problems.empty()) return kExitFailure;

  Result<std::unique_ptr<render::EglContext>> egl = render::EglContext::create(d.native());
  if (!egl) {
    std::fprintf(stderr, "cadence: OpenGL ES 3 is not available: %s\n",
                 egl.error().message.c_str());
    return kExitFailure;
  }
  const render::GlInfo& gl = egl.value()->info();
  std::printf("EGL %d.%d (%s), %s, %s context\n", gl.egl_major, gl.egl_minor, gl.egl_vendor.c_str(),
              gl.platform_display ? "Wayland platform display" : "eglGetDisplay fallback",
              gl.surfaceless ? "surfaceless" : "pbuffer");
  std::printf("GL ES %d.%d context: %s\n", gl.gles_major, gl.gles_minor, gl.gl_version.c_str());
  std::printf("  renderer %s, vendor %s, %s\n", gl.gl_renderer.c_str(), gl.gl_vendor.c_str(),
              gl.glsl_version.c_str());
  std::fflush(stdout);
  return kExitOk;
}

// The configuration file under the command line: an option given on the command line
// wins over the file. A file that does not load leaves the built-in defaults in place;
// the error goes to stderr and is shown in the window, so it is not missed.
void apply_config(Options& options) {
  const bool named = !options.config_path.empty();
  const std::string path = named ? options.config_path : config::default_config_path();
  config::Config c;
  if (!path.empty() && (named || access(path.c_str(), F_OK) == 0)) {
    options.window.config_path = path;
    Result<config::Config> loaded = config::load_file(path, 1);
    if (loaded) {
      c = std::move(loaded.value());
    } else {
      const std::string message = "cadence: configuration not loaded: " + loaded.error().message +
                                  "\ncadence: using the built-in defaults";
      std::fprintf(stderr, "%s\n", message.c_str());
      options.window.startup_message = message;
    }
  }
  ui::WindowConfig& w = options.window;
  w.font_from_command_line = !options.font.empty();
  w.blink_from_command_line = w.cursor_blink;
  if (options.font.empty()) {
    w.font.family = c.font;
    w.font.size_pt = c.font_size;
  }
  // Checked when the file loaded; a file that did not load has none.
  if (auto features = render::font::parse_font_features(c.font_features); features) {
    w.font.features = std::move(features.value());
  }
  if (options.scrollback.empty()) w.scrollback_lines = c.scrollback_lines;
  w.default_command = c.default_prog;
  if (w.command.empty()) w.command = c.default_prog;
  w.cursor_blink = w.cursor_blink || c.cursor_blink;
  w.hold = w.hold || c.exit_behavior == config::ExitBehavior::hold;
  w.client_side_decorations = w.client_side_decorations || c.client_side_decorations;
  w.padding = c.window_padding;
  // The configuration's term wins; otherwise cadence's own entry when programs can find
  // it (app/term_choice.hpp).
  if (c.term.empty()) {
    TermChoice term = choose_term(env_lookup, kPrefixTerminfo);
    w.term = term.term;
    w.env = std::move(term.env);
  } else {
    w.term = c.term;
  }
  if (c.shell_integration) {
    w.shell_integration_dir = shell_integration_dir();
    if (!w.shell_integration_dir.empty()) {
      w.env.push_back("CADENCE_SHELL_INTEGRATION=" + w.shell_integration_dir);
    }
  }
  const uint32_t opaque = 0xff000000u;
  w.colors.foreground = opaque | c.colors.foreground;
  w.colors.background = opaque | c.colors.background;
  w.colors.cursor = opaque | c.colors.cursor;
  w.colors.selection_foreground = opaque | c.colors.selection_foreground;
  w.colors.selection_background = opaque | c.colors.selection_background;
  w.palette = c.colors.palette;
  w.file = std::move(c);
}

// The mux server's socket for `cadence connect DOMAIN`: "unix" is the default socket,
// "unix:PATH" a socket of one's own, anything else a unix_domains entry by name.
Result<std::string> domain_socket(std::string_view domain, const config::Config& c) {
  auto default_socket = []() -> std::string {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    const std::string dir = runtime && *runtime ? runtime : "/tmp";
    return dir + "/cadence/mux.sock";
  };
  if (domain == "unix") return default_socket();
  if (domain.starts_with("unix:") && domain.size() > 5) return std::string(domain.substr(5));
  for (const config::UnixDomain& d : c.unix_domains) {
    if (d.name == domain) return d.socket_path.empty() ? default_socket() : d.socket_path;
  }
  return make_error("unknown domain '" + std::string(domain) +
                    "': use unix, unix:SOCKET or a name from unix_domains");
}

int run(int argc, char** argv) {
  log::configure_from_env();
  if (argc > 1 && std::string_view(argv[1]) == "cli") return run_cli(argc - 2, argv + 2);
  std::string_view domain;
  if (argc > 1 && std::string_view(argv[1]) == "connect") {
    if (argc < 3 || argv[2][0] == '-') {
      std::fprintf(stderr, "cadence: connect needs a domain (unix, unix:SOCKET or a name)\n");
      return kExitUsage;
    }
    domain = argv[2];
    argv += 2;
    argc -= 2;
  }
  Result<Options> options = parse_options(std::span<char*>(argv + 1, argc > 0 ? argc - 1 : 0));
  if (!options) {
    std::fprintf(stderr, "cadence: %s\n\n", options.error().message.c_str());
    print_usage(stderr);
    return kExitUsage;
  }
  if (options->help) {
    print_usage(stdout);
    return kExitOk;
  }
  if (options->version) return print_version();
  if (options->probe) return probe();
  apply_config(options.value());
  if (!domain.empty()) {
    const config::Config& file = options->window.file;
    const bool unix_name = std::any_of(file.unix_domains.begin(), file.unix_domains.end(),
                                       [&](const auto& d) { return d.name == domain; });
    const bool ssh_prefixed = domain.starts_with("ssh:");
    if (ssh_prefixed || (!unix_name && domain != "unix" && !domain.starts_with("unix:"))) {
      // An SSH domain: ssh_domains, then ~/.ssh/config's Host entries (ssh/target.hpp).
      const std::string_view name = ssh_prefixed ? domain.substr(4) : domain;
      const ssh::Env env = ssh::Env::from_process();
      Result<ssh::Target> target =
          ssh::resolve(name, file.ssh_domains, ssh::read_ssh_config(env), env);
      if (!target) {
        std::fprintf(stderr, "cadence: %s\n", target.error().message.c_str());
        return kExitUsage;
      }
      options->window.connect_ssh = std::move(target.value());
      if (options->window.title == "cadence")
        options->window.title = "cadence: " + std::string(name);
    } else {
      Result<std::string> socket = domain_socket(domain, file);
      if (!socket) {
        std::fprintf(stderr, "cadence: %s\n", socket.error().message.c_str());
        return kExitUsage;
      }
      options->window.connect_socket = socket.value();
    }
  }
  return ui::run_terminal_window(options->window);
}

}  // namespace
}  // namespace cadence::app

int main(int argc, char** argv) { return cadence::app::run(argc, argv); }
