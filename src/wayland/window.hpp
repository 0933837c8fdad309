// The toplevel window: a wl_surface with the xdg-shell role, its decorations, its scale
// and its frame callbacks.
//
// Window speaks only Wayland; what is drawn into the surface (EGL, GL) and what the
// events mean to a terminal are its listener's business. It keeps the three facts frame
// pacing needs: whether a frame callback is outstanding (frame_pending()), the configure
// that must be acknowledged with the next commit, and the scale to render at.
//
// Scale: wp_fractional_scale_v1 gives the preferred scale in 120ths; the buffer is then
// drawn at logical size × scale and mapped back with wp_viewporter, so text is
// rasterized for the real pixel grid (never an upscaled blur). Without those globals the
// integer scale of the outputs the surface is on is used with wl_surface.set_buffer_scale.
//
// Decorations: zxdg_decoration_manager_v1 is asked for server-side decorations, or for
// client-side ones when WindowOptions says the title bar is ours (--csd): a compositor
// that would decorate (KWin) must not draw a second bar around ours. When the compositor
// offers no decoration protocol, or insists on client-side ones,
// client_side_decorations() says so and the renderer draws a title bar.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "wayland/display.hpp"

struct wl_array;
struct wl_callback;
struct wl_compositor;
struct wl_output;
struct wl_seat;
struct wl_surface;
struct xdg_surface;
struct xdg_toplevel;
struct xdg_wm_base;
struct zxdg_decoration_manager_v1;
struct zxdg_toplevel_decoration_v1;
struct wp_viewporter;
struct wp_viewport;
struct wp_fractional_scale_manager_v1;
struct wp_fractional_scale_v1;
struct wp_presentation;
struct wp_presentation_feedback;
struct xdg_activation_v1;
struct xdg_activation_token_v1;

namespace cadence::wayland {

struct WindowStates {
  bool maximized = false;
  bool fullscreen = false;
  bool activated = false;
  bool tiled = false;
  bool resizing = false;
};

class WindowListener {
 public:
  virtual ~WindowListener() = default;
  // A configure sequence ended. width/height are logical pixels; 0 means "your choice".
  virtual void on_configure(int width, int height, const WindowStates& states) = 0;
  virtual void on_close() = 0;
  // The frame callback fired: the compositor wants the next frame now.
  virtual void on_frame_done(uint32_t time_ms) = 0;
  // The scale to render at changed (1.0, 1.25, 2.0 ...).
  virtual void on_scale_changed(double scale) = 0;
  // wp_presentation feedback for the commit that carried `frame_id` (0 ns: discarded).
  virtual void on_presented(uint64_t /*frame_id*/, uint64_t /*presented_ns*/,
                            uint32_t /*refresh_ns*/) {}
};

struct WindowOptions {
  std::string title = "cadence";
  std::string app_id = "cadence";
  int min_width = 0;  // logical pixels
  int min_height = 0;
  bool client_side_decorations = false;  // ask the compositor not to decorate
};

class Window {
 public:
  static Result<std::unique_ptr<Window>> create(Display& display, WindowListener& listener,
                                                const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  wl_surface* surface() const { return surface_; }
  void set_title(const std::string& title);
  void set_size(int width, int height) {  // when the compositor leaves the size to us
    width_ = width;
    height_ = height;
  }
  void set_min_size(int width, int height);

  int width() const { return width_; }  // logical
  int height() const { return height_; }
  double scale() const { return scale_; }
  // The buffer in device pixels for the current size and scale.
  int buffer_width() const;
  int buffer_height() const;
  const WindowStates& states() const { return states_; }
  bool configured() const { return configured_; }
  bool client_side_decorations() const { return csd_; }

  // Frame pacing. Asks for a frame callback with the next commit; at most one is ever
  // outstanding (a second call while one is pending is a bug and is checked).
  void request_frame_callback();
  bool frame_pending() const { return frame_callback_ != nullptr; }
  // Drops the outstanding callback (the watchdog gave up on it): a late "done" for it is
  // ignored.
  void abandon_frame_callback();
  // Asks for presentation feedback for the next commit.
  void request_presentation_feedback(uint64_t frame_id);
  // Everything that must go with the next commit of new content: the configure
  // acknowledgement, the buffer scale or viewport for the current size. Call right before
  // eglSwapBuffers (which commits).
  void prepare_commit();

  // Client-side decoration actions, started by a pointer press (seat and its serial).
  void begin_move(wl_seat* seat, uint32_t serial);
  // edges: XDG_TOPLEVEL_RESIZE_EDGE_* (top 1, bottom 2, left 4, right 8, or sums).
  void begin_resize(wl_seat* seat, uint32_t serial, uint32_t edges);
  void set_maximized(bool maximized);
  void set_minimized();

  // Asks the compositor to draw attention to the window (urgency), via xdg-activation.
  void request_attention();
  bool has_presentation() const { return presentation_ != nullptr; }
  bool has_fractional_scale() const { return fractional_ != nullptr; }

 private:
  Window(Display& display, WindowListener& listener);
  Result<void> init(const WindowOptions& options);
  void update_integer_scale();
  void set_scale(double scale);

  static void on_wm_ping(void* data, xdg_wm_base* wm, uint32_t serial);
  static void on_surface_configure(void* data, xdg_surface* surface, uint32_t serial);
  static void on_toplevel_configure(void* data, xdg_toplevel* toplevel, int32_t width,
                                    int32_t height, ::wl_array* states);
  static void on_toplevel_close(void* data, xdg_toplevel* toplevel);
  static void on_toplevel_configure_bounds(void* data, xdg_toplevel* toplevel, int32_t width,
                                           int32_t height);
  static void on_toplevel_wm_capabilities(void* data, xdg_toplevel* toplevel,
                                          ::wl_array* capabilities);
  static void on_decoration_configure(void* data, zxdg_toplevel_decoration_v1* deco, uint32_t mode);
  static void on_frame_done(void* data, wl_callback* callback, uint32_t time);
  static void on_preferred_scale(void* data, wp_fractional_scale_v1* fs, uint32_t scale);
  static void on_surface_enter(void* data, wl_surface* surface, wl_output* output);
  static void on_surface_leave(void* data, wl_surface* surface, wl_output* output);

  struct Output {
    uint32_t name = 0;
    wl_output* proxy = nullptr;
    int scale = 1;
    bool entered = false;
    ~Output();
  };
  void add_output(const Global& global);
  void remove_output(uint32_t name);
  static void on_output_scale(void* data, wl_output* output, int32_t factor);

  struct Feedback;
  friend struct Feedback;
  void drop_feedback(Feedback* f);

  Display& display_;
  WindowListener& listener_;
  wl_compositor* compositor_ = nullptr;
  xdg_wm_base* wm_base_ = nullptr;
  wl_surface* surface_ = nullptr;
  xdg_surface* xdg_surface_ = nullptr;
  xdg_toplevel* toplevel_ = nullptr;
  zxdg_decoration_manager_v1* decoration_manager_ = nullptr;
  zxdg_toplevel_decoration_v1* decoration_ = nullptr;
  wp_viewporter* viewporter_ = nullptr;
  wp_viewport* viewport_ = nullptr;
  wp_fractional_scale_manager_v1* fractional_manager_ = nullptr;
  wp_fractional_scale_v1* fractional_ = nullptr;
  wp_presentation* presentation_ = nullptr;
  xdg_activation_v1* activation_ = nullptr;
  wl_callback* frame_callback_ = nullptr;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::vector<std::unique_ptr<Feedback>> feedbacks_;

  uint32_t pending_serial_ = 0;
  bool ack_pending_ = false;
  bool configured_ = false;
  int pending_width_ = 0;
  int pending_height_ = 0;
  WindowStates pending_states_;
  WindowStates states_;
  int width_ = 0;
  int height_ = 0;
  double scale_ = 1.0;
  int buffer_scale_ = 1;  // integer fallback
  bool csd_ = false;
  int global_listener_ = 0;
};

}  // namespace cadence::wayland
