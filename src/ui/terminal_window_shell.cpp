// TerminalWindow and what the shell and its programs tell it beyond their output: OSC 9;4
// progress (shown on the tab), OSC 9 / OSC 777 notifications (shown by the desktop), and
// OSC 133 prompt marks (the prompt-jump and select-last-output actions).
//
// Decisions:
// - Progress lives on the Pane (progress_state, progress_value), so local panes (set
//   here from the core's callback) and remote ones (set from the mux's deltas) show it
//   the same way. A change touches the pane's tab, which bumps the versions the tab bar's
//   cache is keyed on: the bar is rebuilt when progress moves and only then.
// - Notifications go to the desktop through `notify-send` (libnotify-bin), started
//   without waiting for it: cadence links no D-Bus library for one call. It is started
//   only when a session bus is there; its exit is watched through a pidfd on the GUI
//   loop (which also reaps it), and a failure (no notification daemon) turns into a
//   bell, as does the absence of a bus or of notify-send. Title and body are cut to
//   kMaxNotifyTitle / kMaxNotifyBody bytes at a character boundary, and a token bucket
//   (kNotifyBurst at once, kNotifyPerSecond after that) drops the rest of a flood, so a
//   program printing notifications in a loop costs a few processes, not thousands.
// - Prompt jumps and the output selection read the marks under the pane's lock; the
//   arithmetic is in prompt_marks.cpp, where it is tested without a window.
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ui/prompt_marks.hpp"
#include "ui/terminal_window_impl.hpp"

extern char** environ;

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ui"};

constexpr size_t kMaxNotifyTitle = 256;
constexpr size_t kMaxNotifyBody = 2048;
constexpr double kNotifyBurst = 5;
constexpr double kNotifyPerSecond = 1;
constexpr int kMaxNotifiersRunning = 4;

// At most `max` bytes of `text`, never cutting a UTF-8 sequence; control characters
// become spaces (a notification is one title and a plain body).
std::string bounded(std::string text, size_t max) {
  if (text.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
    text.resize(cut);
    text += "\u2026";
  }
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = ' ';
  }
  return text;
}

// notify-send on the PATH, found once.
const std::string& notify_send_path() {
  static const std::string path = [] {
    const char* env = std::getenv("PATH");
    std::string_view dirs = env ? env : "/usr/bin:/bin";
    while (!dirs.empty()) {
      const size_t colon = dirs.find(':');
      const std::string dir(dirs.substr(0, colon));
      dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
      const std::string candidate = (dir.empty() ? "." : dir) + "/notify-send";
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::string();
  }();
  return path;
}

}  // namespace

void TerminalWindow::set_progress(Pane& pane, int state, int value) {
  if (state == pane.progress_state && value == pane.progress_value) return;
  pane.progress_state = state;
  pane.progress_value = state == 0 ? 0 : value;
  if (mux::Tab* tab = tabs_.tab_of(pane.id)) {
    tabs_.touch(*tab);
    if (tab_bar_shown()) {
      dirty_ = true;
      note_dirty(framelog::reason::pty_output);
    }
  }
}

void TerminalWindow::notify(std::string title, std::string body) {
  const uint64_t now = monotonic_ns();
  if (notify_.refilled_ns == 0) {
    notify_.tokens = kNotifyBurst;
  } else {
    const double elapsed_s = static_cast<double>(now - notify_.refilled_ns) / 1e9;
    notify_.tokens = std::min(kNotifyBurst, notify_.tokens + elapsed_s * kNotifyPerSecond);
  }
  notify_.refilled_ns = now;
  if (notify_.tokens < 1 || notify_.running >= kMaxNotifiersRunning) {
    ++notify_.dropped;
    LOG_DEBUG(kLog, "notification dropped (rate limit): ", title);
    return;
  }
  notify_.tokens -= 1;
  title = bounded(std::move(title), kMaxNotifyTitle);
  body = bounded(std::move(body), kMaxNotifyBody);
  // OSC 9 has a body only; the desktop needs a summary.
  if (title.empty()) title = tabs_.empty() ? config_.title : active_tab_title();
  if (title.empty()) title = "cadence";
  const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  const std::string& program = notify_send_path();
  auto bell = [this](const char* why) {
    ++notify_.bells;
    LOG_INFO(kLog, "notification shown as a bell: ", why);
    if (!focused_) window_->request_attention();
    emit_lua("bell");
  };
  if (!bus || !*bus) return bell("no session bus");
  if (program.empty()) return bell("notify-send is not installed (libnotify-bin)");
  std::vector<std::string> args = {program, "--app-name=cadence", "--", title, body};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    return bell("notify-send could not be started");
  }
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    // Cannot watch it: wait for it here rather than leave a zombie. notify-send returns
    // as soon as the daemon answered.
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return bell("notify-send failed");
    ++notify_.sent;
    return;
  }
  ++notify_.running;
  if (Result<void> r =
          loop_->add(pidfd, EPOLLIN, [this, pidfd](uint32_t) { on_notifier_exit(pidfd); });
      !r) {
    LOG_WARN(kLog, "watching notify-send: ", r.error().message);
  }
}

void TerminalWindow::on_notifier_exit(int pidfd) {
  loop_->remove(pidfd);
  siginfo_t info{};
  const int r = waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED);
  close(pidfd);
  --notify_.running;
  if (r == 0 && info.si_code == CLD_EXITED && info.si_status == 0) {
    ++notify_.sent;
    return;
  }
  // No notification daemon on the bus (notify-send's usual failure), or it crashed.
  ++notify_.bells;
  LOG_INFO(kLog, "notification shown as a bell: notify-send failed (no notification daemon?)");
  if (!focused_) window_->request_attention();
  emit_lua("bell");
}

bool TerminalWindow::scroll_to_prompt(int direction) {
  Pane* pane = active_pane();
  if (!pane || !pane->pty) return false;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    const vt::Terminal& t = pane->pty->terminal();
    const std::optional<int> offset = prompt_jump_offset(t, pane->view.scroll_offset(), direction);
    if (!offset) return true;
    pane->view.scroll_by(t, *offset - pane->view.scroll_offset());
  }
  mark_dirty();
  return true;
}

bool TerminalWindow::select_last_output() {
  Pane* pane = active_pane();
  if (!pane || !pane->pty) return false;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    const vt::Terminal& t = pane->pty->terminal();
    const auto rows = last_output_rows(t);
    if (!rows) return true;
    clear_selection();
    selection_.begin(t, SelectionPoint{rows->first, Column(0)}, Selection::Mode::line, false);
    selection_.extend(t, SelectionPoint{StableRow(rows->second.get() - 1), Column(t.cols() - 1)});
    selection_pane_ = pane->id;
  }
  copy_selection(wayland::SelectionKind::primary);
  pane->view.invalidate();
  mark_dirty();
  return true;
}

}  // namespace cadence::ui::detail
