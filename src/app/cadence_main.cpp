// cadence: the terminal's entry point.
//
// For now the terminal window does not exist, and cadence is honest about it: it connects
// to the compositor, opens EGL and an OpenGL ES 3 context on it, prints what it found (the
// globals it will bind, the GL implementation), says the window is not built yet and exits
// with status 2. That makes the first thing that can go wrong on a user's machine (no
// Wayland session, a missing protocol, no GL ES 3) visible before the rest exists.
//
// Options are a table (name, argument, help, what it sets), so adding -e, --config and the
// rest is one row each, and --help is generated from the same rows. Exit status: 0 for
// --help and --version, 1 when the environment cannot run cadence, 2 for a usage error or
// for what is not implemented yet.
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/log.hpp"
#include "base/result.hpp"
#include "render/egl_context.hpp"
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
constexpr int kExitNotImplemented = 2;

struct Options {
  bool help = false;
  bool version = false;
};

struct OptionSpec {
  char short_name;         // '\0' for none
  const char* long_name;   // without the leading "--"
  const char* value_name;  // nullptr for a flag
  const char* help;
  void (*apply)(Options& options, std::string_view value);
};

constexpr OptionSpec kOptions[] = {
    {'h', "help", nullptr, "show this help and exit",
     [](Options& o, std::string_view) { o.help = true; }},
    {'v', "version", nullptr, "show the version and the compositor's Wayland globals",
     [](Options& o, std::string_view) { o.version = true; }},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: cadence [options]\n\noptions:\n");
  for (const OptionSpec& spec : kOptions) {
    std::string left = spec.short_name ? std::string("-") + spec.short_name + ", " : "    ";
    left += std::string("--") + spec.long_name;
    if (spec.value_name) left += std::string("=") + spec.value_name;
    std::fprintf(out, "  %-22s %s\n", left.c_str(), spec.help);
  }
  std::fprintf(out,
               "\nThe terminal window is not implemented yet: cadence connects to the Wayland\n"
               "compositor, probes OpenGL ES 3, reports what it found and exits with status 2.\n");
}

Result<Options> parse_options(std::span<char*> args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    const OptionSpec* spec = nullptr;
    std::string_view value;
    bool has_inline_value = false;
    if (arg == "--") {
      if (i + 1 < args.size()) {
        return make_error("unexpected argument '" + std::string(args[i + 1]) + "'");
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

  std::fprintf(stderr,
               "cadence: the terminal window is not implemented yet; this build only probes "
               "Wayland and OpenGL ES (above).\n");
  return kExitNotImplemented;
}

int run(int argc, char** argv) {
  log::configure_from_env();
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
  return probe();
}

}  // namespace
}  // namespace cadence::app

int main(int argc, char** argv) { return cadence::app::run(argc, argv); }
