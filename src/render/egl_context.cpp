// EglContext: EGL on the Wayland platform, an OpenGL ES 3 context (see egl_context.hpp).
//
// Every failing EGL call becomes an error naming the call and the decoded eglGetError(),
// because "EGL_BAD_MATCH from eglCreateContext" tells a user with a broken driver what to
// report, and a bare number does not.
#include "render/egl_context.hpp"

#include <EGL/eglext.h>
#include <GLES3/gl3.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "base/log.hpp"

namespace cadence::render {
namespace {

const log::Tag kLog{"render"};

bool has_extension(const char* list, std::string_view name) {
  if (list == nullptr) return false;
  std::string_view rest(list);
  while (!rest.empty()) {
    const size_t end = rest.find(' ');
    if (rest.substr(0, end) == name) return true;
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return false;
}

Error egl_failure(const char* call) {
  return make_error(std::string(call) + " failed: " + egl_error_name(eglGetError()));
}

std::string gl_string(GLenum name) {
  const GLubyte* s = glGetString(name);
  return s ? reinterpret_cast<const char*>(s) : "(unknown)";
}

}  // namespace

std::string egl_error_name(EGLint code) {
  switch (code) {
#define CADENCE_EGL_ERROR(e) \
  case e: return #e;
    CADENCE_EGL_ERROR(EGL_SUCCESS)
    CADENCE_EGL_ERROR(EGL_NOT_INITIALIZED)
    CADENCE_EGL_ERROR(EGL_BAD_ACCESS)
    CADENCE_EGL_ERROR(EGL_BAD_ALLOC)
    CADENCE_EGL_ERROR(EGL_BAD_ATTRIBUTE)
    CADENCE_EGL_ERROR(EGL_BAD_CONFIG)
    CADENCE_EGL_ERROR(EGL_BAD_CONTEXT)
    CADENCE_EGL_ERROR(EGL_BAD_CURRENT_SURFACE)
    CADENCE_EGL_ERROR(EGL_BAD_DISPLAY)
    CADENCE_EGL_ERROR(EGL_BAD_MATCH)
    CADENCE_EGL_ERROR(EGL_BAD_NATIVE_PIXMAP)
    CADENCE_EGL_ERROR(EGL_BAD_NATIVE_WINDOW)
    CADENCE_EGL_ERROR(EGL_BAD_PARAMETER)
    CADENCE_EGL_ERROR(EGL_BAD_SURFACE)
    CADENCE_EGL_ERROR(EGL_CONTEXT_LOST)
#undef CADENCE_EGL_ERROR
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "EGL error 0x%04x", static_cast<unsigned>(code));
  return buf;
}

Result<std::unique_ptr<EglContext>> EglContext::create(wl_display* display) {
  CADENCE_CHECK(display != nullptr);
  std::unique_ptr<EglContext> self(new EglContext());
  if (Result<void> r = self->init(display); !r) return r.error();
  return self;
}

Result<std::unique_ptr<EglContext>> EglContext::create_offscreen() {
  std::unique_ptr<EglContext> self(new EglContext());
  if (Result<void> r = self->init(nullptr); !r) return r.error();
  return self;
}

Result<void> EglContext::init(wl_display* wl) {
  // Client extensions are queried on no display; a null answer means the implementation
  // predates EGL_EXT_client_extensions, and only eglGetDisplay is left.
  const char* client_ext = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (client_ext == nullptr) eglGetError();  // clear the EGL_BAD_DISPLAY that query sets
  if (wl == nullptr) {
    auto get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
        eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (!has_extension(client_ext, "EGL_MESA_platform_surfaceless") ||
        get_platform_display == nullptr) {
      return make_error("no EGL_MESA_platform_surfaceless: cannot render without a display");
    }
    display_ = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    info_.platform_display = display_ != EGL_NO_DISPLAY;
    if (display_ == EGL_NO_DISPLAY) return egl_failure("eglGetPlatformDisplay (surfaceless)");
  } else if (has_extension(client_ext, "EGL_KHR_platform_wayland") ||
             has_extension(client_ext, "EGL_EXT_platform_wayland")) {
    auto get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
        eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (get_platform_display != nullptr) {
      display_ = get_platform_display(EGL_PLATFORM_WAYLAND_KHR, wl, nullptr);
      info_.platform_display = display_ != EGL_NO_DISPLAY;
    }
  }
  if (display_ == EGL_NO_DISPLAY) {
    LOG_DEBUG(kLog, "no EGL Wayland platform extension; falling back to eglGetDisplay");
    display_ = eglGetDisplay(reinterpret_cast<EGLNativeDisplayType>(wl));
  }
  if (display_ == EGL_NO_DISPLAY) return egl_failure("eglGetDisplay (Wayland)");

  EGLint major = 0, minor = 0;
  if (!eglInitialize(display_, &major, &minor)) {
    Error e = egl_failure("eglInitialize");
    display_ = EGL_NO_DISPLAY;  // nothing to terminate
    return e;
  }
  info_.egl_major = major;
  info_.egl_minor = minor;
  const char* vendor = eglQueryString(display_, EGL_VENDOR);
  info_.egl_vendor = vendor ? vendor : "(unknown)";

  const char* display_ext = eglQueryString(display_, EGL_EXTENSIONS);
  // EGL_OPENGL_ES3_BIT and EGL_CONTEXT_MAJOR_VERSION are core in 1.5 and come with
  // EGL_KHR_create_context before it.
  if (!(major > 1 || minor >= 5) && !has_extension(display_ext, "EGL_KHR_create_context")) {
    return make_error(log::concat("EGL ", major, ".", minor,
                                  " without EGL_KHR_create_context cannot create an OpenGL ES 3 "
                                  "context"));
  }
  info_.surfaceless = has_extension(display_ext, "EGL_KHR_surfaceless_context");

  if (!eglBindAPI(EGL_OPENGL_ES_API)) return egl_failure("eglBindAPI(EGL_OPENGL_ES_API)");

  const EGLint surface_type = (wl ? EGL_WINDOW_BIT : 0) | (info_.surfaceless ? 0 : EGL_PBUFFER_BIT);
  const EGLint config_attribs[] = {
      EGL_SURFACE_TYPE,
      surface_type,
      EGL_RENDERABLE_TYPE,
      EGL_OPENGL_ES3_BIT,
      EGL_RED_SIZE,
      8,
      EGL_GREEN_SIZE,
      8,
      EGL_BLUE_SIZE,
      8,
      EGL_ALPHA_SIZE,
      8,
      EGL_NONE,
  };
  EGLint count = 0;
  if (!eglChooseConfig(display_, config_attribs, nullptr, 0, &count)) {
    return egl_failure("eglChooseConfig");
  }
  if (count == 0) {
    return make_error("no EGL config with OpenGL ES 3 and 8-bit RGBA for Wayland windows");
  }
  std::vector<EGLConfig> configs(static_cast<size_t>(count));
  if (!eglChooseConfig(display_, config_attribs, configs.data(), count, &count)) {
    return egl_failure("eglChooseConfig");
  }
  // eglChooseConfig sorts deeper colour first; a 10-bit config would make the compositor
  // convert every frame, so take an exact 8888 one when there is one.
  config_ = configs[0];
  for (EGLConfig c : configs) {
    EGLint r = 0, g = 0, b = 0, a = 0;
    eglGetConfigAttrib(display_, c, EGL_RED_SIZE, &r);
    eglGetConfigAttrib(display_, c, EGL_GREEN_SIZE, &g);
    eglGetConfigAttrib(display_, c, EGL_BLUE_SIZE, &b);
    eglGetConfigAttrib(display_, c, EGL_ALPHA_SIZE, &a);
    if (r == 8 && g == 8 && b == 8 && a == 8) {
      config_ = c;
      break;
    }
  }

  const EGLint context_attribs[] = {
      EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0, EGL_NONE,
  };
  context_ = eglCreateContext(display_, config_, EGL_NO_CONTEXT, context_attribs);
  if (context_ == EGL_NO_CONTEXT) return egl_failure("eglCreateContext (OpenGL ES 3.0)");

  if (!info_.surfaceless) {
    const EGLint pbuffer_attribs[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
    pbuffer_ = eglCreatePbufferSurface(display_, config_, pbuffer_attribs);
    if (pbuffer_ == EGL_NO_SURFACE) return egl_failure("eglCreatePbufferSurface");
  }
  if (!eglMakeCurrent(display_, pbuffer_, pbuffer_, context_)) {
    return egl_failure("eglMakeCurrent");
  }

  GLint gl_major = 0, gl_minor = 0;
  glGetIntegerv(GL_MAJOR_VERSION, &gl_major);
  glGetIntegerv(GL_MINOR_VERSION, &gl_minor);
  info_.gles_major = gl_major;
  info_.gles_minor = gl_minor;
  info_.gl_version = gl_string(GL_VERSION);
  info_.gl_renderer = gl_string(GL_RENDERER);
  info_.gl_vendor = gl_string(GL_VENDOR);
  info_.glsl_version = gl_string(GL_SHADING_LANGUAGE_VERSION);
  if (gl_major < 3) {
    return make_error("the driver created an OpenGL ES " + info_.gl_version +
                      " context; cadence needs OpenGL ES 3.0 or newer");
  }
  LOG_DEBUG(kLog, "EGL ", major, ".", minor, " (", info_.egl_vendor, "), ", info_.gl_version,
            ", renderer ", info_.gl_renderer, info_.surfaceless ? ", surfaceless" : ", pbuffer");
  return {};
}

EglContext::~EglContext() {
  if (display_ == EGL_NO_DISPLAY) return;
  eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  if (pbuffer_ != EGL_NO_SURFACE) eglDestroySurface(display_, pbuffer_);
  if (context_ != EGL_NO_CONTEXT) eglDestroyContext(display_, context_);
  eglTerminate(display_);
  eglReleaseThread();
}

Result<std::unique_ptr<OffscreenTarget>> OffscreenTarget::create(int width, int height) {
  if (width <= 0 || height <= 0) return make_error("an offscreen target needs a positive size");
  std::unique_ptr<OffscreenTarget> t(new OffscreenTarget());
  t->width_ = width;
  t->height_ = height;
  glGenTextures(1, &t->texture_);
  glBindTexture(GL_TEXTURE_2D, t->texture_);
  glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, width, height);
  glGenFramebuffers(1, &t->framebuffer_);
  glBindFramebuffer(GL_FRAMEBUFFER, t->framebuffer_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->texture_, 0);
  if (const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
      status != GL_FRAMEBUFFER_COMPLETE) {
    return make_error(log::concat("offscreen framebuffer ", width, "x", height, " incomplete (0x",
                                  std::hex, status, ")"));
  }
  return t;
}

OffscreenTarget::~OffscreenTarget() {
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (framebuffer_) glDeleteFramebuffers(1, &framebuffer_);
  if (texture_) glDeleteTextures(1, &texture_);
}

}  // namespace cadence::render
