// See shell_integration.hpp.
#include "ui/shell_integration.hpp"

#include <unistd.h>

namespace cadence::ui {

std::vector<std::string> with_shell_integration(std::vector<std::string> argv,
                                                const std::string& dir,
                                                std::vector<std::string>& env) {
  if (dir.empty() || argv.size() != 1) return argv;
  const std::string& program = argv[0];
  const size_t slash = program.rfind('/');
  const std::string base = slash == std::string::npos ? program : program.substr(slash + 1);
  if (base != "bash") return argv;
  const std::string script = dir + "/" + kBashIntegrationScript;
  if (access(script.c_str(), R_OK) != 0) return argv;
  env.push_back("CADENCE_BASH_INJECT=1");
  return {program, "--rcfile", script};
}

}  // namespace cadence::ui
