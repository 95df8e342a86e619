// The `lockstep` command over the scenarios registered in this binary:
//   lockstep list
//   lockstep run NAME... | --all   [--strategy=S --seed=N --executions=N --time-budget=T --KEY=VALUE ...]
//   lockstep replay TOKEN          [--KEY=VALUE ...]
//   lockstep options [--markdown]
// Exit codes: 0 every scenario met its expected verdict (replay: no finding);
// 1 some did not (replay: the finding was reproduced); 2 usage errors.
#pragma once

namespace lockstep::cli {

int run(int argc, char** argv);

}  // namespace lockstep::cli
