// The mux protocol's PDUs: plain structs, one per message, and their payload encoding.
//
// A PDU travels as a frame (codec.hpp): a header carrying its serial and PduType, then
// this payload. The set is closed: a type number not listed here is a protocol error,
// not something to skip, because a peer that sends it expects behaviour we do not have.
// Compatible growth goes through Hello's protocol version and feature bits.
//
// Every count and length has a limit below, checked by the decoder before anything is
// allocated for it; the encoder refuses a PDU the peer would refuse, so a bug on our
// side shows up as a local error instead of a dropped connection.
//
// Lines (LineCells) are the bulk of the traffic. A line travels as
//   text:  cell by cell, the same layout as the scrollback's packed text (vt/packed_line):
//            0x00                   a blank cell (never written)
//            0x01 <cluster>         a wide cell; its right half is implied
//            <cp> (0x02 <cp>)*      a cell's grapheme cluster, extra code points after 0x02
//          code points are UTF-8 and never control characters, so the markers cannot be
//          mistaken for text; plain ASCII output is one byte per cell.
//   runs:  (cells, style index) pairs over the line from the left; cells past the last
//          run have the default style. Indices point into the PDU's style table, so a
//          style is sent once per PDU however many lines use it.
// The server can fill this from a packed history line almost by copying, and the client
// can unpack it straight into a grid row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "base/units.hpp"

namespace cadence::net {

inline constexpr uint32_t kProtocolVersion = 1;

// Hello feature bits. The reply carries the intersection of both sides' bits.
namespace feature {
inline constexpr uint64_t zstd = 1 << 0;           // may send compressed payloads
inline constexpr uint64_t hyperlinks = 1 << 1;     // PaneDelta carries OSC 8 links
inline constexpr uint64_t clipboard = 1 << 2;      // OSC 52 clipboard writes are forwarded
inline constexpr uint64_t history_fetch = 1 << 3;  // FetchLines is served
}  // namespace feature

// Limits, shared by both directions. A frame over kMaxPduBytes is refused from its
// header alone; a compressed payload is decompressed into at most kMaxDecompressedBytes.
inline constexpr size_t kMaxPduBytes = 16u << 20;
inline constexpr size_t kMaxDecompressedBytes = 64u << 20;
inline constexpr size_t kMaxLinesPerPdu = 4096;    // a viewport or a history page
inline constexpr size_t kMaxFetchLines = 1024;     // FetchLines::count
inline constexpr size_t kMaxCellsPerLine = 16384;  // also rows and columns of a pane
inline constexpr size_t kMaxLineTextBytes = 256u << 10;
inline constexpr size_t kMaxClusterCodepoints = 32;  // code points in one cell
inline constexpr size_t kMaxStylesPerPdu = 65536;    // the terminal's style ids are 16-bit
inline constexpr size_t kMaxLinksPerPdu = 4096;
inline constexpr size_t kMaxUriBytes = 8192;
inline constexpr size_t kMaxTitleBytes = 4096;      // titles, cwd, names, messages
inline constexpr size_t kMaxInputBytes = 8u << 20;  // one WriteToPane or Paste
inline constexpr size_t kMaxClipboardBytes = 8u << 20;
inline constexpr size_t kMaxPanesPerList = 4096;
inline constexpr size_t kMaxTabsPerList = 1024;
inline constexpr size_t kMaxArgs = 1024;  // argv and env entries
inline constexpr size_t kMaxArgBytes = 32u << 10;

using PaneId = uint64_t;
using TabId = uint64_t;
using WindowId = uint64_t;

enum class PduType : uint16_t {
  hello = 1,
  hello_reply = 2,
  error = 3,
  resume = 6,
  ping = 4,
  pong = 5,
  list_panes = 10,
  pane_list = 11,
  spawn = 12,
  split = 13,
  spawned = 14,
  close_pane = 15,
  move_pane = 16,
  tab_event = 17,
  pane_event = 18,
  write_to_pane = 20,
  paste = 21,
  mouse = 22,
  focus = 23,
  activate = 24,
  rename_tab = 25,
  resize = 30,
  pane_delta = 40,
  fetch_lines = 41,
  lines_reply = 42,
  credit = 50,
  clipboard = 51,
  bell = 52,
};

// Name of a type for messages ("PaneDelta"); "unknown" for a number not in the set.
const char* pdu_type_name(uint16_t type);

// --- session ------------------------------------------------------------------------

struct Hello {
  static constexpr PduType kType = PduType::hello;
  uint32_t version = kProtocolVersion;
  uint64_t features = 0;
  std::string name;  // "cadence 0.1.0", for logs
  bool operator==(const Hello&) const = default;
};

struct HelloReply {
  static constexpr PduType kType = PduType::hello_reply;
  uint32_t version = kProtocolVersion;
  uint64_t features = 0;  // what both sides support
  std::string name;
  // Random per server process: a client that reconnects and finds another instance (the
  // daemon restarted) holds nothing of its panes, whatever their ids say.
  uint64_t instance = 0;
  bool operator==(const HelloReply&) const = default;
};

// The peer did something wrong or a request failed. A protocol error is followed by
// the connection closing; a failed request (spawn of a missing program) is not.
struct ErrorPdu {
  static constexpr PduType kType = PduType::error;
  enum class Code : uint8_t { protocol = 0, request_failed = 1, no_such_pane = 2, version = 3 };
  Code code = Code::protocol;
  uint64_t in_reply_to = 0;  // the serial of the PDU that caused it, 0 if none
  std::string message;
  bool operator==(const ErrorPdu&) const = default;
};

// Round-trip time: the receiver echoes `sent_ns` in a Pong; `last_rtt_ns` tells the peer
// what the sender measured last, so both ends can show and log it.
struct Ping {
  static constexpr PduType kType = PduType::ping;
  uint64_t sent_ns = 0;
  uint64_t last_rtt_ns = 0;
  bool operator==(const Ping&) const = default;
};

struct Pong {
  static constexpr PduType kType = PduType::pong;
  uint64_t echoed_ns = 0;
  bool operator==(const Pong&) const = default;
};

// --- topology -------------------------------------------------------------------------

struct ListPanes {
  static constexpr PduType kType = PduType::list_panes;
  bool operator==(const ListPanes&) const = default;
};

struct TabInfo {
  WindowId window = 0;
  TabId tab = 0;
  PaneId active_pane = 0;
  std::optional<PaneId> zoomed;
  std::string title;
  bool active = false;  // the window's active tab
  bool operator==(const TabInfo&) const = default;
};

// A pane and where it sits in its tab's cell grid (the split tree flattened).
struct PaneInfo {
  PaneId pane = 0;
  TabId tab = 0;
  int32_t top = 0, left = 0, rows = 0, cols = 0;
  std::string title;
  std::string cwd;
  bool operator==(const PaneInfo&) const = default;
};

// The whole topology, in tab order: the answer to ListPanes and what a client gets on
// attach.
struct PaneList {
  static constexpr PduType kType = PduType::pane_list;
  std::vector<TabInfo> tabs;
  std::vector<PaneInfo> panes;
  bool operator==(const PaneList&) const = default;
};

struct Spawn {
  static constexpr PduType kType = PduType::spawn;
  uint64_t request_id = 0;
  WindowId window = 0;  // 0: a new window
  int32_t rows = 24, cols = 80;
  std::string cwd;                // empty: the server's default
  std::vector<std::string> argv;  // empty: the user's shell
  std::vector<std::string> env;   // NAME=VALUE added to the server's environment
  bool operator==(const Spawn&) const = default;
};

enum class SplitAxis : uint8_t { horizontal = 0, vertical = 1 };

struct Split {
  static constexpr PduType kType = PduType::split;
  uint64_t request_id = 0;
  PaneId pane = 0;
  SplitAxis axis = SplitAxis::horizontal;
  uint16_t ratio_permille = 500;  // share of the old pane's cells the old pane keeps
  std::string cwd;
  std::vector<std::string> argv;
  bool operator==(const Split&) const = default;
};

// The answer to Spawn and Split.
struct Spawned {
  static constexpr PduType kType = PduType::spawned;
  uint64_t request_id = 0;
  WindowId window = 0;
  TabId tab = 0;
  PaneId pane = 0;
  bool operator==(const Spawned&) const = default;
};

struct ClosePane {
  static constexpr PduType kType = PduType::close_pane;
  PaneId pane = 0;
  bool operator==(const ClosePane&) const = default;
};

struct MovePane {
  static constexpr PduType kType = PduType::move_pane;
  uint64_t request_id = 0;
  PaneId pane = 0;
  TabId to_tab = 0;  // 0: a new tab of the same window
  bool operator==(const MovePane&) const = default;
};

struct TabEvent {
  static constexpr PduType kType = PduType::tab_event;
  enum class Kind : uint8_t { added = 0, closed, activated, retitled, relayout };
  Kind kind = Kind::added;
  WindowId window = 0;
  TabId tab = 0;
  std::string title;
  bool operator==(const TabEvent&) const = default;
};

struct PaneEvent {
  static constexpr PduType kType = PduType::pane_event;
  enum class Kind : uint8_t { added = 0, closed, exited, focused };
  Kind kind = Kind::added;
  PaneId pane = 0;
  TabId tab = 0;
  int32_t exit_status = 0;  // exited: the wait status as the shell shows it
  bool operator==(const PaneEvent&) const = default;
};

// --- input ----------------------------------------------------------------------------

// Bytes for the pane's program, already encoded by the client: the key encoder needs the
// client's keyboard state, and PaneDelta::modes tells it the terminal's modes.
struct WriteToPane {
  static constexpr PduType kType = PduType::write_to_pane;
  PaneId pane = 0;
  std::string data;
  bool operator==(const WriteToPane&) const = default;
};

// Text to paste; the server brackets or filters it under the modes in force when it
// arrives.
struct Paste {
  static constexpr PduType kType = PduType::paste;
  PaneId pane = 0;
  std::string text;
  bool operator==(const Paste&) const = default;
};

// A pointer event in pane cells. The server encodes it for the program because the
// tracking mode may have changed since the client's last delta: a report sent to a
// program that just turned tracking off would arrive as typed garbage.
struct Mouse {
  static constexpr PduType kType = PduType::mouse;
  enum class Kind : uint8_t { press = 0, release, motion, wheel };
  PaneId pane = 0;
  Kind kind = Kind::press;
  uint8_t button = 0;  // 0 left, 1 middle, 2 right, 3.. extra; wheel: 0 up, 1 down, 2 left, 3 right
  uint8_t modifiers = 0;  // 1 shift, 2 alt, 4 ctrl
  int32_t row = 0, col = 0;
  // The pointer in pixels from the pane's top-left corner, for SGR-pixel reports (mode
  // 1016); -1 when the client does not know.
  int32_t x_px = -1, y_px = -1;
  bool operator==(const Mouse&) const = default;
};

struct Focus {
  static constexpr PduType kType = PduType::focus;
  PaneId pane = 0;
  bool focused = false;
  bool operator==(const Focus&) const = default;
};

// The client keeps at most one Resize per pane in flight; PaneDelta::resize_id says
// which one the server has applied.
struct Resize {
  static constexpr PduType kType = PduType::resize;
  PaneId pane = 0;
  uint64_t request_id = 0;
  int32_t rows = 0, cols = 0;
  int32_t pixel_width = 0, pixel_height = 0;  // for TIOCSWINSZ
  bool operator==(const Resize&) const = default;
};

// --- content ----------------------------------------------------------------------------

// A style as the terminal keeps it (vt::Style): colours are vt::Color's bits.
struct WireStyle {
  uint32_t fg = 0, bg = 0, underline_color = 0;
  uint16_t flags = 0;
  uint8_t underline = 0;
  uint32_t link = 0;  // an id from the PDU's or an earlier PDU's links
  bool operator==(const WireStyle&) const = default;
};

struct StyleRun {
  uint32_t cells = 0;
  uint32_t style = 0;  // index into the PDU's style table
  bool operator==(const StyleRun&) const = default;
};

struct LineCells {
  StableRow row{0};
  uint64_t version = 0;
  bool wrapped = false;
  std::string text;  // see the top of this file
  std::vector<StyleRun> runs;
  bool operator==(const LineCells&) const = default;
};

struct Link {
  uint32_t id = 0;
  std::string uri;
  bool operator==(const Link&) const = default;
};

// Terminal mode bits a client needs to encode keys and to draw (PaneDelta::modes).
namespace mode {
inline constexpr uint32_t cursor_keys = 1 << 0;  // DECCKM
inline constexpr uint32_t keypad = 1 << 1;       // DECKPAM
inline constexpr uint32_t bracketed_paste = 1 << 2;
inline constexpr uint32_t focus_reports = 1 << 3;
inline constexpr uint32_t alt_screen = 1 << 4;
inline constexpr uint32_t mouse_tracking = 1 << 5;  // any tracking mode: wheel goes to the server
inline constexpr uint32_t backarrow_key = 1 << 6;   // DECBKM
inline constexpr uint32_t newline = 1 << 7;         // LNM
inline constexpr uint32_t reverse_video = 1 << 8;   // DECSCNM
// The kitty keyboard flags, bits 16..23.
inline constexpr uint32_t kitty_shift = 16;
}  // namespace mode

struct CursorInfo {
  int32_t row = 0, col = 0;
  uint8_t shape = 0;  // DECSCUSR value
  bool visible = true;
  bool operator==(const CursorInfo&) const = default;
};

// One pane's coalesced changes since the version the client has: the viewport lines
// newer than that, and the pane's state. Optional fields are sent when they changed.
struct PaneDelta {
  static constexpr PduType kType = PduType::pane_delta;
  PaneId pane = 0;
  uint64_t version = 0;    // the terminal's version this delta brings the client to
  uint64_t resize_id = 0;  // the last Resize the server applied
  // The serial of the last input PDU (WriteToPane, Paste, Mouse) of this client
  // for this pane that the server had handled when it took this delta: the inputs up to
  // it are answered, whether or not the program has shown anything for them yet.
  uint64_t input_serial = 0;
  int32_t rows = 0, cols = 0;
  StableRow top{0};  // the stable row of screen row 0
  uint64_t history_epoch = 0;
  uint32_t modes = 0;
  CursorInfo cursor;
  std::optional<std::string> title;
  std::optional<std::string> cwd;
  std::optional<uint8_t> progress_state;  // OSC 9;4 state; value below
  uint8_t progress_value = 0;
  std::vector<WireStyle> styles;
  std::vector<Link> links;
  std::vector<LineCells> lines;
  bool operator==(const PaneDelta&) const = default;
};

// A page of history rows, asked for when the user scrolls into rows the client has not
// cached. A reply for an older epoch is discarded by the client.
struct FetchLines {
  static constexpr PduType kType = PduType::fetch_lines;
  uint64_t request_id = 0;
  PaneId pane = 0;
  uint64_t history_epoch = 0;
  StableRow first{0};
  uint32_t count = 0;  // at most kMaxFetchLines
  bool operator==(const FetchLines&) const = default;
};

struct LinesReply {
  static constexpr PduType kType = PduType::lines_reply;
  uint64_t request_id = 0;
  PaneId pane = 0;
  uint64_t history_epoch = 0;    // the server's current epoch
  StableRow first_available{0};  // rows before this have left the scrollback
  std::vector<WireStyle> styles;
  std::vector<Link> links;
  std::vector<LineCells> lines;
  bool operator==(const LinesReply&) const = default;
};

// The client presented `frames` frames since its last Credit: the server may flush
// again. Without credit the server coalesces.
struct Credit {
  static constexpr PduType kType = PduType::credit;
  uint32_t frames = 0;
  bool operator==(const Credit&) const = default;
};

struct Clipboard {
  static constexpr PduType kType = PduType::clipboard;
  enum class Selection : uint8_t { clipboard = 0, primary = 1 };
  PaneId pane = 0;
  Selection selection = Selection::clipboard;
  std::string data;
  bool operator==(const Clipboard&) const = default;
};

struct Bell {
  static constexpr PduType kType = PduType::bell;
  PaneId pane = 0;
  bool operator==(const Bell&) const = default;
};

// Sent right after the Hello of a connection that replaces a dropped one (the transport
// was set up again, e.g. an SSH reconnect): what the client still holds of each pane, as
// its last delta left it. The server takes these as what it had sent, so only what
// changed since comes back, as if the link had never dropped. Panes the server no longer
// has are ignored (the PaneList tells the client).
struct Resume {
  static constexpr PduType kType = PduType::resume;
  struct Pane {
    PaneId pane = 0;
    uint64_t version = 0;  // PaneDelta::version of the last delta applied
    uint64_t history_epoch = 0;
    StableRow top{0};  // the viewport it has: top row, rows, alternate screen
    int32_t rows = 0;
    bool alt_screen = false;
    bool operator==(const Pane&) const = default;
  };
  uint64_t instance = 0;    // HelloReply::instance of the server these came from
  std::vector<Pane> panes;  // at most kMaxPanesPerList
  bool operator==(const Resume&) const = default;
};

// The client shows this pane (and its tab): the server makes them its window's active
// ones, so other clients and the next attach find the same.
struct Activate {
  static constexpr PduType kType = PduType::activate;
  PaneId pane = 0;
  bool operator==(const Activate&) const = default;
};

// A tab's title as the user set it (empty: back to its active pane's title).
struct RenameTab {
  static constexpr PduType kType = PduType::rename_tab;
  TabId tab = 0;
  std::string title;  // at most kMaxTitleBytes
  bool operator==(const RenameTab&) const = default;
};

using Pdu = std::variant<Hello, HelloReply, ErrorPdu, Ping, Pong, ListPanes, PaneList, Spawn, Split,
                         Spawned, ClosePane, MovePane, TabEvent, PaneEvent, WriteToPane, Paste,
                         Mouse, Focus, Resize, PaneDelta, FetchLines, LinesReply, Credit, Clipboard,
                         Bell, Resume, Activate, RenameTab>;

PduType pdu_type(const Pdu& pdu);

// Appends the payload of `pdu` to `out`. Fails, leaving `out` as it was, when a count or
// length is over its limit. Defined for each PDU struct (and Pdu), so a caller holding a
// PaneDelta does not copy it into a variant first.
template <typename T>
Result<void> encode_payload(const T& pdu, std::vector<uint8_t>& out);

// Decodes a payload of the given type. The error names the PDU, the field and the
// problem ("PaneDelta: lines: count 5000 exceeds the limit 4096").
Result<Pdu> decode_payload(uint16_t type, std::span<const uint8_t> payload);

// The server's answer to a Hello: the protocol version must be ours (a different one is
// refused with both named; the server then sends ErrorPdu::Code::version and closes),
// and the reply offers the features both sides have.
Result<HelloReply> answer_hello(const Hello& hello, uint64_t features, std::string name);

// Cells a line's text covers (a wide cell counts 2), or an error naming what is wrong
// with it.
Result<size_t> line_text_cells(std::string_view text);

}  // namespace cadence::net
