#!/usr/bin/env bash
# End-to-end tests of the real app in a real window: Xvfb, a private D-Bus session with an
# unlocked GNOME Keyring (the real Secret Service), tauri-driver + WebKitWebDriver, Python
# selenium (Debian's python3-selenium). Needs ui/dist built (tests/run.sh does it first).
# Usage: bash tests/e2e/run.sh   (E2E_SCREENSHOT=docs/screenshot.png also saves the run's screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."

# The app with its UI embedded (as shipped), and the mock it talks to.
cargo build -q --locked -p juxta-app --features custom-protocol -p juxta-mock
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install -q tauri-driver --version '^2' --locked

T=$(mktemp -d /tmp/juxta-e2e.XXXXXX)
# The app's whole world lives under $T/app: config, web storage, logs, window state. The key
# canary greps all of it. (The keyring's own files are encrypted there too.)
export JUXTA_E2E_DIR=$T/app
export HOME=$T/app/home XDG_CONFIG_HOME=$T/app/config XDG_DATA_HOME=$T/app/data XDG_CACHE_HOME=$T/app/cache
export JUXTA_CONFIG_DIR=$T/app/config/juxta JUXTA_KEYCHAIN_SERVICE=juxta-e2e-$$
export JUXTA_E2E_LOGS=$T
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

status=0
xvfb-run -a -s '-screen 0 1440x900x24' dbus-run-session -- bash -c '
  eval "$(printf e2e-password | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  /usr/bin/python3 tests/e2e/test_app.py' || status=$?

if [ -n "${E2E_SCREENSHOT:-}" ] && [ -f "$T/screenshot.png" ]; then
  cp "$T/screenshot.png" "$E2E_SCREENSHOT"
  # The tool-calling comparison and the benchmark beside it: docs/screenshot-tools.png, docs/screenshot-bench.png.
  [ -f "$T/tools.png" ] && cp "$T/tools.png" "${E2E_SCREENSHOT%.png}-tools.png"
  [ -f "$T/bench.png" ] && cp "$T/bench.png" "${E2E_SCREENSHOT%.png}-bench.png"
fi
[ $status -eq 0 ] || echo "e2e: logs and screenshots in $T" >&2
exit $status
