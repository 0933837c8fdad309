// The EGL display and OpenGL ES 3 context cadence renders with.
//
// EGL is opened on the Wayland platform of the connection the window uses, so buffers go
// to that compositor (as dmabuf where there is a GPU, as wl_shm with Mesa's llvmpipe where
// there is none). The config is RGBA8888 with alpha, for translucent backgrounds.
//
// The context is made current with no surface when EGL_KHR_surfaceless_context is there,
// so it exists before any window does (the glyph atlas can be filled while the window is
// still being configured); otherwise a 1x1 pbuffer stands in until a window surface is
// made current.
//
// One EglContext per thread that renders; it must be destroyed before the wl_display it
// was created for is disconnected.
#pragma once

#include <EGL/egl.h>

#include <memory>
#include <string>

#include "base/result.hpp"

struct wl_display;

namespace cadence::render {

// What the probe found, for the log and for `cadence` to print.
struct GlInfo {
  int egl_major = 0;
  int egl_minor = 0;
  std::string egl_vendor;
  bool platform_display = false;  // eglGetPlatformDisplay (else the eglGetDisplay fallback)
  bool surfaceless = false;       // current without a surface (else a 1x1 pbuffer)
  int gles_major = 0;
  int gles_minor = 0;
  std::string gl_version;
  std::string gl_renderer;
  std::string gl_vendor;
  std::string glsl_version;
};

// "EGL_BAD_ALLOC" for EGL_BAD_ALLOC, and so on; "EGL error 0x...." for unknown codes.
std::string egl_error_name(EGLint code);

class EglContext {
 public:
  static Result<std::unique_ptr<EglContext>> create(wl_display* display);
  // A context on Mesa's surfaceless platform, for rendering into framebuffer objects with
  // no compositor (benchmarks); an error where EGL_MESA_platform_surfaceless is missing.
  static Result<std::unique_ptr<EglContext>> create_offscreen();

  ~EglContext();
  EglContext(const EglContext&) = delete;
  EglContext& operator=(const EglContext&) = delete;

  const GlInfo& info() const { return info_; }
  EGLDisplay display() const { return display_; }
  EGLConfig config() const { return config_; }
  EGLContext context() const { return context_; }

 private:
  EglContext() = default;
  Result<void> init(wl_display* display);

  EGLDisplay display_ = EGL_NO_DISPLAY;
  EGLConfig config_ = nullptr;
  EGLContext context_ = EGL_NO_CONTEXT;
  EGLSurface pbuffer_ = EGL_NO_SURFACE;
  GlInfo info_;
};

// A colour texture (RGBA8) and a framebuffer object drawing into it, bound while it
// lives: where frames go with an offscreen context (benchmarks, renderer tests).
class OffscreenTarget {
 public:
  static Result<std::unique_ptr<OffscreenTarget>> create(int width, int height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }

 private:
  OffscreenTarget() = default;
  unsigned framebuffer_ = 0;
  unsigned texture_ = 0;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace cadence::render
