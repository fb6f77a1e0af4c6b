#!/usr/bin/env bash
# Builds the solution and runs every test project, end-to-end tests included.
# Ends with one line summed over all projects: "N passed, N failed, N skipped".
# --fast leaves out the tests marked [Trait("Category", "EndToEnd")], for quick local loops.
# Azurite (scripts/azurite.sh) is started for the run, and it and the SMTP sink (scripts/smtp-sink.sh, started by the
# email tests) are stopped afterwards when they were not running before.
set -uo pipefail
cd "$(dirname "$0")/.."

filter=()
if [[ "${1:-}" == "--fast" ]]; then
  filter=(--filter-not-trait "Category=EndToEnd")
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! dotnet build OpsFunctions.sln -c Release -warnaserror -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The Azure Storage backend's tests need Azurite; start it here (and stop it after) unless it already runs.
# The email tests start the SMTP sink themselves; stop it after unless it ran before.
cleanup=('rm -rf "$results"')
if ! bash scripts/azurite.sh status >/dev/null 2>&1; then
  bash scripts/azurite.sh start || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  cleanup+=('bash scripts/azurite.sh stop >/dev/null 2>&1')
fi
if ! bash scripts/smtp-sink.sh status >/dev/null 2>&1; then
  cleanup+=('bash scripts/smtp-sink.sh stop >/dev/null 2>&1')
fi
trap "$(IFS=';'; echo "${cleanup[*]}")" EXIT

status=0
# xUnit v3 on Microsoft.Testing.Platform (global.json); each test project writes its own TRX file.
dotnet test --solution OpsFunctions.sln -c Release --no-build "${filter[@]}" \
  --report-xunit-trx --results-directory "$results" 2>&1 | tee "$results/output.log"
status=${PIPESTATUS[0]}

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed); e=$(value error)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

# The test platform's own summary counts every project. A run once lacked one project's TRX file (the files are
# named by the time they start), so the counts come from the summary when there is one.
summary() { sed -n "s/^  $1: \([0-9]*\)$/\1/p" "$results/output.log" | tail -n 1; }
if [[ -n "$(summary total)" ]]; then
  passed=$(summary succeeded)
  skipped=$(summary skipped)
  failed=$(summary failed)
fi

if [[ $failed -gt 0 ]]; then
  # Test output can run to megabytes of logs; name each failure last, where a truncated log still shows it.
  echo "failed tests:"
  perl -0777 -ne 'while (/<UnitTestResult testName="([^"]*)" outcome="(?:Failed|Error)".*?(?:<Message>(.*?)<\/Message>|\/>)/gs) { my ($n, $m) = ($1, $2 // ""); $m =~ s/\s+/ /g; print "  $n\n    ", substr($m, 0, 400), "\n" }' "$results"/*.trx
fi

if [[ $files -eq 0 ]]; then
  echo "no test results were written"
  status=1
fi
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  # A test host that crashed writes no failed counter; count it so the line never reads green.
  failed=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit $status
