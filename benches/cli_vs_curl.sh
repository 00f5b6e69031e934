#!/usr/bin/env bash
# End-to-end throughput of `juxta compare --json` against `curl -N` on the same stream from the same
# local juxta-mock, and 16 parallel panes against one. Needs hyperfine (apt install hyperfine).
# Usage: bash benches/cli_vs_curl.sh [EVENTS]   (figures in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-100000}

cargo build --release -q -p juxta-cli -p juxta-mock
BIN=${CARGO_TARGET_DIR:-target}/release
"$BIN/juxta-mock" --port 0 > /tmp/juxta-bench-mock.out &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening /tmp/juxta-bench-mock.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^juxta-mock listening on //p' /tmp/juxta-bench-mock.out)

MODEL="normal@tokens=$EVENTS"
DIR=$(mktemp -d)
# Each contender is a small script, so quoting cannot change what is measured.
cat > "$DIR/body.json" <<JSON
{"model":"$MODEL","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}
JSON
echo "curl -sfN -X POST $URL/v1/chat/completions -H 'content-type: application/json' --data-binary @$DIR/body.json -o /dev/null" > "$DIR/curl.sh"
# --private: the engine alone; the "saved" contender also writes the run to a history database
# (in a throwaway JUXTA_DATA_DIR) as the CLI does by default.
export JUXTA_DATA_DIR="$DIR/data"
echo "$BIN/juxta compare -m 'bench:$MODEL' --json --private --provider 'bench=openai,$URL/v1' hi > /dev/null" > "$DIR/juxta1.sh"
echo "$BIN/juxta compare -m 'bench:$MODEL' --json --provider 'bench=openai,$URL/v1' hi > /dev/null" > "$DIR/juxta1-saved.sh"
echo "$BIN/juxta compare $(for _ in $(seq 16); do printf -- "-m 'bench:%s' " "$MODEL"; done) --json --private --provider 'bench=openai,$URL/v1' hi > /dev/null" > "$DIR/juxta16.sh"

# Sanity: both read the whole stream.
BYTES=$(curl -sfN -X POST "$URL/v1/chat/completions" -H 'content-type: application/json' --data-binary @"$DIR/body.json" | wc -c)
[ "$BYTES" -gt $((EVENTS * 100)) ] || { echo "curl got only $BYTES bytes" >&2; exit 1; }
"$BIN/juxta" compare -m "bench:$MODEL" --json --provider "bench=openai,$URL/v1" hi \
  | grep -q "\"output_tokens\": $EVENTS" || { echo "juxta did not read $EVENTS tokens" >&2; exit 1; }
echo "stream: $BYTES bytes, $EVENTS events"

hyperfine -N --warmup 2 --runs "${RUNS:-15}" --export-markdown /tmp/juxta-bench.md \
  -n "curl -N" "bash $DIR/curl.sh" \
  -n "juxta compare --json --private (1 pane)" "bash $DIR/juxta1.sh" \
  -n "juxta compare --json, saved to history (1 pane)" "bash $DIR/juxta1-saved.sh" \
  -n "juxta compare --json --private (16 panes)" "bash $DIR/juxta16.sh"
cat /tmp/juxta-bench.md
