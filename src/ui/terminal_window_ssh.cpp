// TerminalWindow connected to an SSH domain (`cadence connect ssh:NAME`).
//
// Each ssh::Link runs on its own thread; this thread only takes its events when woken
// and never waits for it. What a link has to say before there is anything remote to
// show ("connecting to devbox…", an unknown host key's fingerprint, a passphrase prompt,
// why it failed) goes to a console: a pane over a socketpair, so it is drawn, scrolled
// and selected like any other, and what the user types there comes back on this end to
// answer the prompt (echoed unless it is a secret, which is wiped once answered).
//
// Mux mode (multiplexing = 'cadence'): the first Stream becomes the mux client's
// connection; the console goes once the server's first tab is shown. A dropped link
// shows a banner in the tab bar ("disconnected — reconnecting, attempt 2") over the last
// screens, and each new Stream resumes the client (mux/client.hpp: only what changed
// meanwhile is sent). Keys typed while disconnected are dropped, as the client drops
// them; a prompt during a reconnection is shown in the banner and takes the keys.
//
// Pty mode (multiplexing = 'none'): every pane (the first, new tabs, splits) is a session
// of its own; when its Stream comes, the console's pane becomes a stream pane on it, the
// remote shell, whose resizes go to the link as window-change requests. A drop ends it.
#include <sys/socket.h>
#include <sys/wait.h>

#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"ssh"};

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Console text: a line of the link's own, in a colour of its own.
std::string console_line(std::string_view text) {
  std::string out = "\x1b[2m";
  for (char ch : text) {
    if (ch == '\n')
      out += "\r\n";
    else
      out += ch;
  }
  return out + "\x1b[0m\r\n";
}

}  // namespace

Result<std::unique_ptr<Pane>> TerminalWindow::open_ssh_pane(int rows, int cols) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0)
    return make_error(std::string("socketpair: ") + std::strerror(errno));
  vt::Terminal::Options to;
  to.rows = std::max(1, rows);
  to.cols = std::max(1, cols);
  to.scrollback_lines = config_.scrollback_lines;
  auto pane = std::make_unique<Pane>(colors_);
  pane->id = next_id_++;
  pane->pty = pty::PtyPane::adopt_stream(fds[0], to);
  pane->rect = mux::Rect{0, 0, to.cols, to.rows};
  pane->title = config_.connect_ssh->name;
  apply_terminal_colors(*pane);

  auto session = std::make_unique<SshSession>();
  session->pane = pane->id;
  session->console_fd = fds[1];
  SshSession* raw = session.get();
  if (Result<void> r =
          loop_->add(fds[1], EPOLLIN, [this, raw](uint32_t) { on_console_input(*raw); });
      !r) {
    close(fds[1]);
    return r.error();
  }
  ssh::LinkOptions options = config_.ssh_options;
  options.term = config_.term;
  options.rows = to.rows;
  options.cols = to.cols;
  Waker* waker = waker_.get();
  session->link = ssh::Link::start(
      *config_.connect_ssh, [waker] { waker->wake(); }, options);
  LOG_INFO(kLog, "connecting to ", config_.connect_ssh->name, " (", config_.connect_ssh->host, ":",
           config_.connect_ssh->port, ", ",
           config::multiplexing_name(config_.connect_ssh->multiplexing), ")");
  ssh_.push_back(std::move(session));
  return pane;
}

Result<std::unique_ptr<Pane>> TerminalWindow::new_pane(int rows, int cols, const std::string& cwd) {
  if (config_.connect_ssh && !ssh_mux()) return open_ssh_pane(rows, cols);
  return spawn_pane(config_.default_command, rows, cols, cwd);
}

void TerminalWindow::console_write(SshSession& session, std::string_view text) {
  if (session.console_fd < 0) return;
  // A console holds a few lines of status: a full socket buffer (nobody reading) drops
  // text rather than ever blocking this thread.
  (void)!::send(session.console_fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void TerminalWindow::drop_console(SshSession& session) {
  if (session.console_fd < 0) return;
  loop_->remove(session.console_fd);
  close(session.console_fd);
  session.console_fd = -1;
}

void TerminalWindow::on_console_input(SshSession& session) {
  char buf[512];
  std::string bytes;
  for (;;) {
    const ssize_t n = ::recv(session.console_fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      bytes.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      drop_console(session);  // the pane is gone
    }
    break;
  }
  if (!bytes.empty()) prompt_input(session, bytes, true);
}

// A line editor for prompts: printable characters, Backspace, Enter to answer, Ctrl+C
// or Escape to refuse.
void TerminalWindow::prompt_input(SshSession& session, std::string_view bytes, bool in_console) {
  if (!session.prompt) return;
  for (size_t i = 0; i < bytes.size() && session.prompt; ++i) {
    const unsigned char ch = static_cast<unsigned char>(bytes[i]);
    if (ch == '\r' || ch == '\n') {
      const uint64_t id = session.prompt->id;
      session.prompt.reset();
      if (in_console) console_write(session, "\r\n");
      session.link->answer(id, std::exchange(session.typed, {}));
      set_banner({});
    } else if (ch == 0x7f || ch == 0x08) {
      if (session.typed.empty()) continue;
      // Whole UTF-8 characters.
      do {
        session.typed.pop_back();
      } while (!session.typed.empty() && (session.typed.back() & 0xc0) == 0x80);
      if (in_console && session.prompt->echo) console_write(session, "\b \b");
    } else if (ch == 0x03 || ch == 0x1b) {
      const uint64_t id = session.prompt->id;
      session.prompt.reset();
      std::fill(session.typed.begin(), session.typed.end(), '\0');
      session.typed.clear();
      if (in_console) console_write(session, "^C\r\n");
      session.link->cancel(id);
      set_banner({});
      break;  // the rest of an escape sequence is not an answer
    } else if (ch >= 0x20) {
      session.typed.push_back(static_cast<char>(ch));
      if (in_console && session.prompt->echo) console_write(session, bytes.substr(i, 1));
    }
  }
  if (session.prompt && !in_console) {
    set_banner(session.prompt->text + " " +
               (session.prompt->echo ? session.typed : std::string(session.typed.size(), '*')));
  }
}

bool TerminalWindow::answer_banner_prompt(std::string_view bytes) {
  for (auto& session : ssh_) {
    if (session->prompt && session->console_fd < 0) {
      prompt_input(*session, bytes, false);
      return true;
    }
  }
  return false;
}

void TerminalWindow::set_banner(std::string text) {
  const bool shown_before = tab_bar_shown();
  if (!tab_bar_.set_banner(std::move(text))) return;
  if (tab_bar_shown() != shown_before) layout_dirty_ = true;
  chrome_dirty_ = true;
  tab_bar_cols_ = -1;
  mark_dirty();
}

void TerminalWindow::forget_ssh(mux::PaneId pane) {
  for (auto& session : ssh_) {
    if (session->pane == pane) {
      drop_console(*session);
      session->pane = 0;
    }
  }
  // Pty mode: a pane's session goes with it. Mux mode keeps its one link.
  if (!ssh_mux()) std::erase_if(ssh_, [](const auto& s) { return s->pane == 0; });
}

void TerminalWindow::poll_ssh() {
  for (size_t k = 0; k < ssh_.size(); ++k) {
    SshSession& session = *ssh_[k];
    for (ssh::LinkEvent& event : session.link->take_events()) {
      std::visit(
          Overloaded{
              [&](ssh::Status& s) {
                LOG_INFO(kLog, config_.connect_ssh->name, ": ", s.message);
                console_write(session, console_line(s.message));
                if (!ssh_mux() || session.console_fd >= 0) return;
                // Mux mode with the server's panes on show: the banner says it.
                if (s.state == ssh::LinkState::connected) {
                  set_banner({});
                  set_window_title();
                } else {
                  set_banner(s.message);
                  window_->set_title(title_ + " (" + s.message + ")");
                }
              },
              [&](ssh::Prompt& p) {
                session.prompt = std::move(p);
                session.typed.clear();
                if (session.console_fd >= 0) {
                  std::string text;
                  for (char ch : session.prompt->text) {
                    if (ch == '\n') text += '\r';
                    text += ch;
                  }
                  console_write(session, text + (text.ends_with(' ') ? "" : " "));
                  // The console's pane gets the keys.
                  if (Pane* pane = find_pane(session.pane); pane && pane != active_pane())
                    focus_pane(*pane);
                } else {
                  prompt_input(session, {}, false);
                }
              },
              [&](ssh::Stream& st) {
                if (ssh_mux()) {
                  if (!client_) {
                    Waker* waker = waker_.get();
                    auto client = mux::MuxClient::adopt(st.fd, [waker] { waker->wake(); });
                    if (!client) {
                      console_write(session, console_line("cadence: " + client.error().message));
                      return;
                    }
                    client_ = std::move(client.value());
                  } else {
                    client_->resume(st.fd);
                  }
                  return;
                }
                // Pty mode: the console's pane becomes the remote shell.
                Pane* pane = find_pane(session.pane);
                if (!pane) {
                  close(st.fd);
                  return;
                }
                io_->remove(pane->pty.get());
                vt::Terminal::Options to;
                to.rows = pane->rect.rows;
                to.cols = pane->rect.cols;
                to.scrollback_lines = config_.scrollback_lines;
                to.term_name = config_.term;
                ssh::Link* link = session.link.get();
                pane->pty =
                    pty::PtyPane::adopt_stream(st.fd, to, [link](const pty::WindowSize& size) {
                      link->resize(size.rows, size.cols, size.width_px, size.height_px);
                    });
                apply_terminal_colors(*pane);
                pane->view.invalidate();
                drop_console(session);
                session.shell = true;
                io_->add(pane->pty.get());
                const auto& m = renderer_->metrics();
                (void)pane->pty->resize(pty::WindowSize{to.rows, to.cols, to.cols * m.cell_width,
                                                        to.rows * m.cell_height});
                layout_dirty_ = true;
                mark_dirty();
              },
              [&](ssh::Exit&) {},  // the stream's end closes the pane
          },
          event);
    }
  }
}

void TerminalWindow::open_domain_window(const std::string& name) {
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    LOG_WARN(kLog, "cannot find this program to open a window on ", name);
    return;
  }
  exe[n] = '\0';
  std::vector<std::string> args{exe, "connect", name};
  if (!config_.config_path.empty()) {
    args.push_back("--config");
    args.push_back(config_.config_path);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Twice forked, so the new window is nobody's child here to be reaped.
  const pid_t middle = fork();
  if (middle < 0) {
    LOG_WARN(kLog, "cannot open a window on ", name, ": fork: ", std::strerror(errno));
    return;
  }
  if (middle == 0) {
    // Only async-signal-safe calls between fork and exec: this process has threads.
    setsid();
    if (fork() == 0) {
      execv(exe, argv.data());
      _exit(127);
    }
    _exit(0);
  }
  int status = 0;
  while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  LOG_INFO(kLog, "opened a window on ", name);
}

}  // namespace cadence::ui::detail
