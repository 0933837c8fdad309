// Domain resolution and ~/.ssh/config parsing: which domain wins, what the file fills
// in, how paths expand, and the errors for bad input.
#include <gtest/gtest.h>

#include "ssh/ssh_config.hpp"
#include "ssh/target.hpp"

namespace cadence::ssh {
namespace {

const Env kEnv{"/home/ana", "ana"};

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

std::string error_of(Result<Target> r) {
  EXPECT_FALSE(r) << "expected an error";
  return r ? "" : r.error().message;
}

config::SshDomain domain(std::string name, std::string address, std::string user = "") {
  config::SshDomain d;
  d.name = std::move(name);
  d.remote_address = std::move(address);
  d.username = std::move(user);
  return d;
}

TEST(SshResolve, ConfigDomainWithNothingElseUsesTheDefaults) {
  Result<Target> t = resolve("devbox", {domain("devbox", "devbox.example")}, "", kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->name, "devbox");
  EXPECT_EQ(t->host, "devbox.example");
  EXPECT_EQ(t->port, 22);
  EXPECT_EQ(t->user, "ana") << "the local user's name";
  EXPECT_EQ(t->identity_files,
            (std::vector<std::string>{"/home/ana/.ssh/id_ed25519", "/home/ana/.ssh/id_ecdsa",
                                      "/home/ana/.ssh/id_rsa"}));
  EXPECT_EQ(t->multiplexing, config::SshMultiplexing::cadence);
  EXPECT_EQ(t->remote_mux_path, "cadence-mux");
  EXPECT_EQ(t->connect_timeout_ms, kDefaultConnectTimeoutMs);
}

TEST(SshResolve, ConfigDomainFieldsArriveInTheTarget) {
  config::SshDomain d = domain("box", "10.0.0.5:2222", "root");
  d.multiplexing = config::SshMultiplexing::none;
  d.remote_mux_path = "/opt/cadence/bin/cadence-mux";
  d.identity_file = "~/.ssh/box_key";
  d.connect_timeout_s = 3;
  Result<Target> t = resolve("box", {d}, "", kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "10.0.0.5");
  EXPECT_EQ(t->port, 2222);
  EXPECT_EQ(t->user, "root");
  EXPECT_EQ(t->identity_files, (std::vector<std::string>{"/home/ana/.ssh/box_key"}))
      << "a configured identity replaces the defaults";
  EXPECT_EQ(t->multiplexing, config::SshMultiplexing::none);
  EXPECT_EQ(t->remote_mux_path, "/opt/cadence/bin/cadence-mux");
  EXPECT_EQ(t->connect_timeout_ms, 3000);
}

TEST(SshResolve, SshConfigHostEntriesAreDomainsOfTheirOwn) {
  const std::string file = R"(
Host work
    HostName work.example.org
    User builder
    Port 2200
    IdentityFile ~/.ssh/work_ed25519
    IdentityFile ~/.ssh/work_rsa
)";
  Result<Target> t = resolve("work", {}, file, kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->name, "work");
  EXPECT_EQ(t->host, "work.example.org");
  EXPECT_EQ(t->port, 2200);
  EXPECT_EQ(t->user, "builder");
  EXPECT_EQ(t->identity_files,
            (std::vector<std::string>{"/home/ana/.ssh/work_ed25519", "/home/ana/.ssh/work_rsa"}))
      << "every IdentityFile line, in order";
  EXPECT_EQ(t->multiplexing, config::SshMultiplexing::cadence);
}

TEST(SshResolve, AConfigDomainOfTheSameNameWins) {
  const std::string file = "Host devbox\n  HostName from-ssh-config\n  User sshuser\n";
  Result<Target> t = resolve("devbox", {domain("devbox", "from-cadence:2022", "me")}, file, kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "from-cadence");
  EXPECT_EQ(t->port, 2022);
  EXPECT_EQ(t->user, "me");
}

TEST(SshResolve, TheDomainsRemoteHostIsLookedUpInSshConfigForWhatItLeavesEmpty) {
  const std::string file = R"(
Host bastion
  HostName 192.0.2.7
  User ops
  Port 2201
  IdentityFile ~/.ssh/ops_key
  ConnectTimeout 4
)";
  Result<Target> t = resolve("prod", {domain("prod", "bastion")}, file, kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "192.0.2.7") << "HostName applies to the domain's remote host, as in ssh";
  EXPECT_EQ(t->port, 2201);
  EXPECT_EQ(t->user, "ops");
  EXPECT_EQ(t->identity_files, (std::vector<std::string>{"/home/ana/.ssh/ops_key"}));
  EXPECT_EQ(t->connect_timeout_ms, 4000);

  config::SshDomain d = domain("prod", "bastion:22", "me");
  d.identity_file = "/keys/prod";
  d.connect_timeout_s = 9;
  Result<Target> own = resolve("prod", {d}, file, kEnv);
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->port, 22) << "a port in remote_address beats Port";
  EXPECT_EQ(own->user, "me") << "username beats User";
  EXPECT_EQ(own->identity_files, (std::vector<std::string>{"/keys/prod", "/home/ana/.ssh/ops_key"}))
      << "identity_file first, then the file's";
  EXPECT_EQ(own->connect_timeout_ms, 9000);
}

TEST(SshResolve, FirstValueWinsAcrossMatchingBlocksAsInSsh) {
  const std::string file = R"(
User everyone
Host dev*
  User dev-user
  IdentityFile ~/.ssh/dev
Host devbox
  User devbox-user
  Port 2000
  IdentityFile ~/.ssh/devbox
Host *
  Port 3000
  IdentityFile ~/.ssh/all
)";
  Result<Target> t = resolve("devbox", {}, file, kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->user, "everyone") << "a line before the first Host applies to every host first";
  EXPECT_EQ(t->port, 2000);
  EXPECT_EQ(t->identity_files,
            (std::vector<std::string>{"/home/ana/.ssh/dev", "/home/ana/.ssh/devbox",
                                      "/home/ana/.ssh/all"}));
}

TEST(SshResolve, IdentityPathsExpandTokens) {
  const std::string file = R"(
Host t
  HostName t.example
  User remote
  IdentityFile %d/keys/%u-%r@%h_100%%
  IdentityFile keys/relative
  IdentityFile "/with space/key"
)";
  Result<Target> t = resolve("t", {}, file, kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->identity_files,
            (std::vector<std::string>{"/home/ana/keys/ana-remote@t.example_100%",
                                      "/home/ana/keys/relative", "/with space/key"}));
  EXPECT_HAS(error_of(resolve("u", {}, "Host u\n IdentityFile ~/.ssh/%C\n", kEnv)),
             "IdentityFile '~/.ssh/%C': %C is not supported");
}

TEST(SshResolve, UnknownNamesListTheKnownOnes) {
  const std::string file = "Host alpha beta\nHost *.example gamma?\n";
  EXPECT_HAS(error_of(resolve("zeta", {domain("one", "one")}, file, kEnv)),
             "no SSH domain named 'zeta' (known: one, alpha, beta)");
  EXPECT_HAS(error_of(resolve("x.example", {}, file, kEnv)), "no SSH domain named 'x.example'")
      << "a wildcard pattern names no domain";
}

TEST(SshResolve, BadInputGivesClearErrors) {
  EXPECT_HAS(error_of(resolve("a", {domain("a", "a:99999")}, "", kEnv)),
             "ssh domain 'a': remote_address 'a:99999': the port must be a number from 1 to "
             "65535");
  EXPECT_HAS(error_of(resolve("a", {domain("a", "a")}, "Host a\n  Port 0\n", kEnv)),
             "~/.ssh/config:2: Port '0' must be a number from 1 to 65535");
  EXPECT_HAS(error_of(resolve("a", {domain("a", "a")}, "Host a\n  Port twenty\n", kEnv)),
             "Port 'twenty'");
  EXPECT_HAS(error_of(resolve("a", {}, "Host a\n  HostName \"unterminated\n", kEnv)),
             "~/.ssh/config:2: unterminated quote");
  EXPECT_HAS(error_of(resolve("a", {}, "Host\n", kEnv)), "Host needs at least one pattern");
  EXPECT_HAS(error_of(resolve("a", {}, "Host a\n  User x y\n", kEnv)),
             "User takes one value, not 2");
}

TEST(SshResolve, DomainNamesListConfigDomainsThenLiteralHosts) {
  const std::string file = "Host devbox other\nHost *.lan !x\nHost devbox third\n";
  EXPECT_EQ(domain_names({domain("devbox", "d"), domain("mine", "m")}, file),
            (std::vector<std::string>{"devbox", "mine", "other", "third"}));
  EXPECT_EQ(domain_names({domain("mine", "m")}, "Host \"unterminated\n"),
            (std::vector<std::string>{"mine"}))
      << "a file that does not parse adds nothing";
}

TEST(SshConfigFile, SyntaxAsSshReadsIt) {
  Result<SshConfig> c = SshConfig::parse(
      "# comment\n"
      "   \n"
      "Host=eq\n"
      "\tHostName = eq.example # trailing comment\n"
      "HOST  CaSe\n"
      "  hostname case.example\r\n"
      "Host quoted\n"
      "  IdentityFile \"~/my keys/id\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->lookup("eq").hostname, "eq.example");
  EXPECT_EQ(c->lookup("CASE").hostname, "case.example") << "hosts match case-insensitively";
  EXPECT_EQ(c->lookup("quoted").identity_files, (std::vector<std::string>{"~/my keys/id"}));
  EXPECT_EQ(c->lookup("nothing").hostname, std::nullopt);
}

TEST(SshConfigFile, PatternsNegationAndHostNameTokens) {
  Result<SshConfig> c = SshConfig::parse(
      "Host *.corp !jump.corp\n"
      "  HostName %h.internal\n"
      "  User corp\n"
      "Host node?\n"
      "  HostName 100%%-%h\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->lookup("db.corp").hostname, "db.corp.internal");
  EXPECT_EQ(c->lookup("jump.corp").user, std::nullopt) << "negated";
  EXPECT_EQ(c->lookup("node7").hostname, "100%-node7");
  EXPECT_EQ(c->lookup("node77").hostname, std::nullopt) << "? is exactly one character";
  EXPECT_TRUE(match_host_pattern("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(match_host_pattern("a*b*c", "aXXbYY"));
  EXPECT_TRUE(match_host_pattern("*", ""));
}

TEST(SshConfigFile, IncludeMatchAndProxiesAreNotedAndSkipped) {
  Result<SshConfig> c = SshConfig::parse(
      "Include ~/.ssh/config.d/*\n"
      "Host a\n"
      "  ProxyJump bastion\n"
      "Match host a\n"
      "  User from-match\n"
      "Host b\n"
      "  User b-user\n"
      "  ServerAliveInterval 30\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->lookup("a").user, std::nullopt) << "a Match block's lines are skipped";
  EXPECT_EQ(c->lookup("b").user, "b-user") << "a Host line ends the Match block";
  ASSERT_EQ(c->notes().size(), 3u);
  EXPECT_HAS(c->notes()[0], "~/.ssh/config:1: Include is not followed");
  EXPECT_HAS(c->notes()[1], "~/.ssh/config:3: ProxyJump is not followed");
  EXPECT_HAS(c->notes()[2], "~/.ssh/config:4: Match blocks are not evaluated");
}

TEST(SshConfigFile, ConnectTimeoutNoneLeavesTheDefault) {
  Result<Target> t = resolve("a", {}, "Host a\n  ConnectTimeout none\n", kEnv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->connect_timeout_ms, kDefaultConnectTimeoutMs);
}

}  // namespace
}  // namespace cadence::ssh
