// Starting bash with cadence's shell integration (shell-integration/bash/cadence.bash).
//
// Only a plain interactive bash is changed: a command that is bash and nothing else (the
// user's shell, or default_prog = { 'bash' }). It becomes `bash --rcfile SCRIPT` with
// CADENCE_BASH_INJECT=1, and the script reads /etc/bash.bashrc and ~/.bashrc itself before
// adding its hooks, so the user's setup is as it would have been. Anything with arguments
// (`bash -l`, `bash script.sh`) runs as given: cadence cannot know what they expect.
#pragma once

#include <string>
#include <vector>

namespace cadence::ui {

// The script cadence sources for bash, below the shell integration folder.
inline constexpr const char* kBashIntegrationScript = "bash/cadence.bash";

// argv with the integration added when it applies and `dir` holds the script; the
// variables the script needs are appended to env. `dir` empty: integration is off.
std::vector<std::string> with_shell_integration(std::vector<std::string> argv,
                                                const std::string& dir,
                                                std::vector<std::string>& env);

}  // namespace cadence::ui
