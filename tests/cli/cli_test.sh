#!/usr/bin/env bash
# The `lockstep` command's contract (issue 2): list/run/replay/options, exit codes 0
# (every scenario met its verdict), 1 (some did not / replay found something), 2 (usage
# errors: unknown scenario, bad option, malformed token), a replay token on every
# finding `run` prints, and --dot.
#   cli_test.sh PATH/TO/lockstep
set -uo pipefail
cli=$1
failures=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# expect CODE PATTERN -- ARGS...: runs the command, checks its exit code and that its
# output (stdout and stderr) matches the extended regular expression PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 3
  "$cli" "$@" >"$out" 2>&1
  local got=$?
  if [ "$got" -ne "$code" ]; then
    echo "FAIL: lockstep $* exited $got, expected $code"; sed 's/^/  | /' "$out" | head -20
    failures=$((failures + 1))
  elif ! grep -Eq -- "$pattern" "$out"; then
    echo "FAIL: lockstep $*: output does not match /$pattern/"; sed 's/^/  | /' "$out" | head -20
    failures=$((failures + 1))
  else
    echo "ok: lockstep $* -> $got"
  fi
}

expect 0 'abba_deadlock +deadlock' -- list
expect 0 'abba_ordered +pass +pass .* ok' -- run abba_ordered --executions=200
expect 0 '1 of 1 scenarios met' -- run abba_deadlock --seed=1
expect 0 'reproduce: .* replay ls1:abba_deadlock:' -- run abba_deadlock --seed=1
# A bug not found within the budget (one DFS execution, no steering into lock-order
# cycles) does not meet the scenario's expected verdict: exit 1.
expect 1 'abba_deadlock +deadlock +pass .*MISMATCH' -- run abba_deadlock --strategy=dfs --executions=1 --potential-deadlocks=off
expect 2 'malformed replay token' -- run abba_deadlock --strategy=replay --replay=x
expect 2 'unknown scenario .no_such_scenario.' -- run no_such_scenario
expect 2 'option executions' -- run abba_ordered --executions=many
expect 2 'unknown option|unknown key|no_such_option' -- run abba_ordered --no_such_option=1
expect 2 'name scenarios to run, or --all' -- run
expect 2 'replay token|token' -- replay ls1:garbage
expect 2 'unknown command' -- frobnicate

# Replay of a token printed by run: the same finding, exit 1.
"$cli" run abba_deadlock --seed=1 >"$out" 2>&1
token=$(grep -Eo 'ls1:[^ ]+' "$out" | head -1)
if [ -z "$token" ]; then
  echo "FAIL: run abba_deadlock printed no replay token"; failures=$((failures + 1))
else
  expect 1 'deadlock' -- replay "$token"
  expect 1 'digraph wait_for' -- replay "$token" --dot
fi
expect 0 'key|executions' -- options
expect 0 '^\| ' -- options --markdown

if [ "$failures" -ne 0 ]; then
  echo "$failures CLI check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
