#!/usr/bin/env bash
# The desktop app's speed and memory in a real window (figures in BENCHMARKS.md): 8 panes at 200
# tokens/s each, frame times measured in the webview, cold start, memory, binary size.
# Needs what tests/e2e/run.sh needs. Usage: bash benches/app_perf.sh   (BENCH_TOKENS=N per pane;
# BENCH_NO_BUILD=1 measures the release build already there, for repeated runs)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  npm --prefix ui run build >/dev/null
  cargo build -q --release --locked -p juxta-app --features custom-protocol -p juxta-mock
  cargo build -q --release --locked -p juxta-app --example bare_window
fi
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install -q tauri-driver --version '^2' --locked

T=$(mktemp -d /tmp/juxta-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export JUXTA_E2E_PROFILE=${JUXTA_E2E_PROFILE:-release} JUXTA_E2E_DIR=$T/app JUXTA_E2E_LOGS=$T
export HOME=$T/app/home XDG_CONFIG_HOME=$T/app/config XDG_DATA_HOME=$T/app/data XDG_CACHE_HOME=$T/app/cache
export JUXTA_CONFIG_DIR=$T/app/config/juxta JUXTA_KEYCHAIN_SERVICE=juxta-bench-$$
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
xvfb-run -a -s '-screen 0 1920x1080x24' dbus-run-session -- bash -c '
  eval "$(printf bench | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL
  /usr/bin/python3 benches/app_perf.py' 2>&1 | grep -v "^dbus-daemon\|SpiRegistry"
