// Authentication on the Link's thread (link_worker.hpp): agent, identity files,
// keyboard-interactive, password, in that order, as far as the server accepts each.
//
// An identity file's public half (FILE.pub) is offered before the private key is read:
// the server says whether it would take the key, so an encrypted key's passphrase is
// only asked for when it can help. Without a .pub file the private key is read (and its
// passphrase asked) first. Replies are Secrets, wiped as soon as libssh has them; no
// reply and no key material is ever logged.
//
// A server's refusal is never retried in a loop: each method runs once (a passphrase or
// password gets three tries, as ssh gives), and when none is left the link fails with
// the list of what was tried.
#include <unistd.h>

#include "base/log.hpp"
#include "ssh/link_worker.hpp"
#include "ssh/messages.hpp"

namespace cadence::ssh {
namespace {

constexpr log::Tag kLog("ssh");

constexpr int kSecretTries = 3;
// A server that keeps sending keyboard-interactive questions is cut off after this many
// rounds (a real one asks one or two).
constexpr int kMaxKeyboardRounds = 16;

// libssh asks for a passphrase through this when the key file is encrypted; refusing
// here only notes that it is, so the pane can ask instead of libssh's terminal prompt.
int note_encrypted(const char*, char*, size_t, int, int, void* userdata) {
  *static_cast<bool*>(userdata) = true;
  return -1;
}

}  // namespace

LinkWorker::Step LinkWorker::auth_outcome(int rc, bool& done) {
  switch (rc) {
    case SSH_AUTH_SUCCESS: done = true; return Step{};
    case SSH_AUTH_PARTIAL:
    case SSH_AUTH_DENIED: methods_ = ssh_userauth_list(session_, nullptr); return Step{};
    default: return session_error("authentication on " + t_.name);
  }
}

LinkWorker::Step LinkWorker::authenticate() {
  tried_.clear();
  bool done = false;
  int rc = SSH_AUTH_ERROR;
  // "none" is how a client learns which methods the server offers.
  Step st = pump([&] { return ssh_userauth_none(session_, nullptr); }, SSH_AUTH_AGAIN, rc,
                 "authentication");
  if (!st.ok()) return st;
  st = auth_outcome(rc, done);
  if (!st.ok() || done) return st;

  if ((methods_ & SSH_AUTH_METHOD_PUBLICKEY) && !agent_socket_.empty()) {
    st = auth_agent(done);
    if (!st.ok() || done) return st;
  }
  for (const std::string& path : t_.identity_files) {
    if (!(methods_ & SSH_AUTH_METHOD_PUBLICKEY)) break;
    st = auth_identity(path, done);
    if (!st.ok() || done) return st;
  }
  if (o_.keyboard_interactive && (methods_ & SSH_AUTH_METHOD_INTERACTIVE)) {
    st = auth_keyboard_interactive(done);
    if (!st.ok() || done) return st;
  }
  if (o_.password && (methods_ & SSH_AUTH_METHOD_PASSWORD)) {
    st = auth_password(done);
    if (!st.ok() || done) return st;
  }
  return fail(End::fatal, no_accepted_method_message(tried_));
}

LinkWorker::Step LinkWorker::auth_agent(bool& done) {
  tried_.push_back("agent");
  int rc = SSH_AUTH_ERROR;
  Step st = pump([&] { return ssh_userauth_agent(session_, nullptr); }, SSH_AUTH_AGAIN, rc,
                 "authentication with the agent");
  if (!st.ok()) return st;
  if (rc == SSH_AUTH_ERROR && !session_dead()) {
    // The agent itself failed (gone, refused to sign): the other methods still may work.
    LOG_INFO(kLog, t_.name, ": the agent failed: ", ssh_get_error(session_));
    methods_ = ssh_userauth_list(session_, nullptr);
    return Step{};
  }
  return auth_outcome(rc, done);
}

LinkWorker::Step LinkWorker::auth_identity(const std::string& path, bool& done) {
  if (access(path.c_str(), R_OK) != 0) return Step{};  // not there: nothing to try
  tried_.push_back(path);
  int rc = SSH_AUTH_ERROR;
  ssh_key pub = nullptr;
  if (ssh_pki_import_pubkey_file((path + ".pub").c_str(), &pub) == SSH_OK) {
    Step st = pump([&] { return ssh_userauth_try_publickey(session_, nullptr, pub); },
                   SSH_AUTH_AGAIN, rc, "authentication");
    ssh_key_free(pub);
    if (!st.ok()) return st;
    if (rc != SSH_AUTH_SUCCESS) return auth_outcome(rc, done);  // the server would not take it
  }

  ssh_key key = nullptr;
  bool encrypted = false;
  if (ssh_pki_import_privkey_file(path.c_str(), nullptr, note_encrypted, &encrypted, &key) !=
      SSH_OK) {
    key = nullptr;
    if (!encrypted) {
      LOG_WARN(kLog, t_.name, ": ", path, " is not a private key libssh can read; skipped");
      return Step{};
    }
    for (int i = 1; i <= kSecretTries && !key; ++i) {
      std::optional<Secret> passphrase =
          ask(PromptKind::passphrase, passphrase_prompt(path, i), false);
      if (s_.stop) return fail(End::stop, "");
      if (!passphrase) {
        LOG_INFO(kLog, t_.name, ": passphrase for ", path, " not given; key skipped");
        return Step{};
      }
      if (ssh_pki_import_privkey_file(path.c_str(), passphrase->c_str(), nullptr, nullptr, &key) !=
          SSH_OK)
        key = nullptr;
    }
    if (!key) {
      LOG_INFO(kLog, t_.name, ": wrong passphrase for ", path, "; key skipped");
      return Step{};
    }
  }
  Step st = pump([&] { return ssh_userauth_publickey(session_, nullptr, key); }, SSH_AUTH_AGAIN, rc,
                 "authentication");
  ssh_key_free(key);
  if (!st.ok()) return st;
  return auth_outcome(rc, done);
}

LinkWorker::Step LinkWorker::auth_keyboard_interactive(bool& done) {
  tried_.push_back("keyboard-interactive");
  for (int round = 0; round < kMaxKeyboardRounds; ++round) {
    int rc = SSH_AUTH_ERROR;
    Step st = pump([&] { return ssh_userauth_kbdint(session_, nullptr, nullptr); }, SSH_AUTH_AGAIN,
                   rc, "authentication");
    if (!st.ok()) return st;
    if (rc != SSH_AUTH_INFO) return auth_outcome(rc, done);
    std::string header;
    for (const char* part :
         {ssh_userauth_kbdint_getname(session_), ssh_userauth_kbdint_getinstruction(session_)}) {
      if (part && *part) header += std::string(part) + "\n";
    }
    const int n = ssh_userauth_kbdint_getnprompts(session_);
    for (int i = 0; i < n; ++i) {
      char echo = 0;
      const char* question = ssh_userauth_kbdint_getprompt(session_, unsigned(i), &echo);
      std::optional<Secret> reply =
          ask(PromptKind::keyboard_interactive, (i == 0 ? header : "") + (question ? question : ""),
              echo != 0);
      if (s_.stop) return fail(End::stop, "");
      if (!reply) return fail(End::fatal, "authentication on " + t_.name + " cancelled");
      if (ssh_userauth_kbdint_setanswer(session_, unsigned(i), reply->c_str()) < 0)
        return session_error("authentication on " + t_.name);
    }
  }
  return fail(End::fatal, "keyboard-interactive authentication on " + t_.name +
                              " asked more than " + std::to_string(kMaxKeyboardRounds) +
                              " rounds of questions");
}

LinkWorker::Step LinkWorker::auth_password(bool& done) {
  tried_.push_back("password");
  for (int i = 1; i <= kSecretTries; ++i) {
    std::optional<Secret> password = ask(PromptKind::password, password_prompt(t_, i), false);
    if (s_.stop) return fail(End::stop, "");
    if (!password) return fail(End::fatal, "authentication on " + t_.name + " cancelled");
    int rc = SSH_AUTH_ERROR;
    Step st = pump([&] { return ssh_userauth_password(session_, nullptr, password->c_str()); },
                   SSH_AUTH_AGAIN, rc, "authentication");
    if (!st.ok()) return st;
    st = auth_outcome(rc, done);
    if (!st.ok() || done || rc == SSH_AUTH_PARTIAL) return st;
    if (!(methods_ & SSH_AUTH_METHOD_PASSWORD)) break;
  }
  return Step{};
}

}  // namespace cadence::ssh
