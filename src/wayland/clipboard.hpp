// The clipboard and the primary selection, without ever blocking.
//
// Both directions go through pipes the compositor hands between clients, and either end
// can be slow (a 100 MB paste, a client that stops reading). So nothing here reads or
// writes a pipe synchronously: copying registers the write end with the EventLoop and
// writes as the reader drains it; pasting registers the read end and calls back once
// everything has arrived. The GUI keeps painting and handling keys meanwhile.
//
// Text is offered as text/plain;charset=utf-8 plus the legacy names other clients still
// ask for, and pasted from the best of those the offer lists.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/event_loop.hpp"
#include "base/result.hpp"
#include "wayland/display.hpp"
#include "wayland/seat.hpp"

struct wl_data_device_manager;
struct wl_data_device;
struct wl_data_offer;
struct wl_data_source;
struct zwp_primary_selection_device_manager_v1;
struct zwp_primary_selection_device_v1;
struct zwp_primary_selection_offer_v1;
struct zwp_primary_selection_source_v1;

namespace cadence::wayland {

enum class SelectionKind : uint8_t { clipboard, primary };

// A paste larger than this is cut here (and the log says so): a runaway source must not
// exhaust memory.
inline constexpr size_t kMaxPasteBytes = 64u << 20;

class Clipboard {
 public:
  static Result<std::unique_ptr<Clipboard>> create(Display& display, EventLoop& loop, Seats& seats);
  ~Clipboard();
  Clipboard(const Clipboard&) = delete;
  Clipboard& operator=(const Clipboard&) = delete;

  bool available(SelectionKind kind) const;
  // Makes `text` the selection; serial is that of the input event that asked for it.
  void set(SelectionKind kind, std::string text, uint32_t serial);
  // Starts reading the current selection; `done` gets the text once it has all arrived
  // (empty when there is no selection or it holds no text). False when nothing is offered.
  using PasteCallback = std::function<void(std::string text)>;
  bool paste(SelectionKind kind, PasteCallback done);

  // Transfers still running (tests wait for them to finish).
  size_t transfers() const { return transfers_; }

 private:
  struct Device;
  struct Offer;
  struct Source;
  Clipboard(Display& display, EventLoop& loop, Seats& seats);
  Result<void> init();
  Device* device_for_active_seat();
  void send(std::shared_ptr<const std::string> text, int fd);
  void receive(int fd, PasteCallback done);

  Display& display_;
  EventLoop& loop_;
  Seats& seats_;
  wl_data_device_manager* data_manager_ = nullptr;
  zwp_primary_selection_device_manager_v1* primary_manager_ = nullptr;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<Source>> sources_;
  size_t transfers_ = 0;

  friend struct Device;
  friend struct Offer;
  friend struct Source;
};

}  // namespace cadence::wayland
