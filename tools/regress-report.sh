#!/usr/bin/env bash
# Runs the regression suite against a pgpeekd and writes a Markdown report of every
# statement whose output differs from PostgreSQL 15's (for the people fixing them).
#   tools/regress-report.sh PATH/TO/pgpeekd [OUTPUT.md] [NOTE]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:?usage: regress-report.sh PATH/TO/pgpeekd [OUTPUT.md] [NOTE]}"
OUT="${2:-/dev/stdout}"
NOTE="${3:-}"
summary="$(bash "$ROOT/tests/regress/run.sh" "$BIN" 2>&1 | grep -E '^[a-z_0-9]+ +(ok|FAILED)|passed, |server exit')"
{
  echo "# Regression differences: PostgreSQL 15 vs pgpeek"
  echo
  echo "Updated $(date -u '+%Y-%m-%d %H:%M UTC') by the tests helper. ${NOTE}"
  echo "Reproduce: \`bash tests/regress/run.sh build/pgpeekd\` then \`/usr/bin/python3 tools/regress-diffs.py\`"
  echo "(full diffs in tests/regress/results/*.diff)."
  echo
  sed 's/^/    /' <<<"$summary"
  echo
  /usr/bin/python3 "$ROOT/tools/regress-diffs.py"
} >"$OUT"
