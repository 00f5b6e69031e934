#!/usr/bin/env bash
# Juxta's whole test suite, the one command the README and CI run:
#   the UI (type check, Vitest, production build), every Rust crate (engine, CLI, mock, app),
#   the keychain tests against a real Secret Service (gnome-keyring in a private D-Bus session),
#   and the end-to-end tests of the real app window (Xvfb + WebDriver, tests/e2e/).
# System packages it needs are listed in .ci/run. No network beyond 127.0.0.1, no real key.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/fixtures ]; then
  echo "tests/run.sh: ../shared/fixtures (the recorded provider streams) is missing" >&2
  exit 1
fi

step() { printf '\n== %s\n' "$*"; }

step "UI: install, type check, unit tests, build"
(
  cd ui
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
  npm run check
  npm test
  npm run build
)

step "Benchmarks: the lag figures' arithmetic (benches/lag.py)"
python3 -m unittest discover -q -s benches -p 'test_*.py'

step "Rust: engine, CLI, mock and app"
cargo test --workspace --locked --no-fail-fast

step "Keychain: a real Secret Service"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
XDG_DATA_HOME=$T/data XDG_CACHE_HOME=$T/cache XDG_RUNTIME_DIR=$T/run \
  dbus-run-session -- sh -ec '
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    eval "$(printf juxta-test-password | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    # The same cargo arguments as the step above, so nothing is rebuilt (a `--test keychain` selection
    # resolves features differently and rebuilt a dozen crates). The ignored tests are the keychain ones
    # but for one release-mode measurement, skipped here.
    cargo test --locked --workspace --no-fail-fast -- --ignored --skip openai_chat_throughput
  '

step "End to end: the real app in a real window (WebDriver)"
bash tests/e2e/run.sh

step "All tests passed"
