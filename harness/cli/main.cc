// lockstep::main: a main() that gives any binary with LOCKSTEP_SCENARIOs the lockstep
// commands (list, run, replay, options).
#include "cli/cli.h"

int main(int argc, char** argv) { return lockstep::cli::run(argc, argv); }
