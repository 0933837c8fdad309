// `cadence cli ...`: talking to a running cadence over its control socket (cli.cpp).
#pragma once

namespace cadence::app {

// args: what follows "cli" on the command line. Returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace cadence::app
