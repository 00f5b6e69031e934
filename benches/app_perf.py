"""Desktop app benchmark (figures in BENCHMARKS.md): 8 panes streaming markdown with code blocks at
200 tokens/s each from a local juxta-mock, measured inside the real webview.

- Frame time: the intervals between requestAnimationFrame callbacks during the run (p50/p95/p99/max).
- How far each pane falls behind its stream: the last DOM change of its answer, minus when its stream
  ended (the Run click + the pane's own total time). The Run click is before the request leaves
  (the run is first recorded in history), so this is an upper bound. Also: the last DOM change minus
  when the page got the pane's `done` event (its status turning "done"): the page's own share of the
  lag. The app's Rust side records how long text waited there (src-tauri/delivery_log.rs), and the page when each
  delivery's script ran (matched by the script's first message, not by time): together, how old text is when the
  page has it.
- How often a streaming pane's text changes on screen (the intervals between its renders until its `done`):
  text arriving just after a render shows at the next one, so this bounds how long the page holds text back
  while the answer streams (the figures above only see the end of the stream). Only the panes the window shows
  count: the row of panes scrolls sideways past what fits, and an answer out of sight renders every half second
  while it streams, at once when it scrolls into view, and at its end.
- How far behind its stream a pane on screen is, over time: at each moment, the age of its oldest text not yet drawn,
  from when that text reached the app (its flush in the app's log names its arrival) to the render that drew it (the
  first text change after the page received it). Sampled every 1 ms while the pane streams, split into the answers'
  first 0.5 s (mounting, first renders), the steady streaming and their last 0.5 s.
- The frames while answers stream, grouped by what changed in them (answers rendered on screen and out of sight,
  a page turn), so a slow kind of frame shows (this is how the panes' blurred shadow was found, BENCHMARKS.md).
- Cold start: process start to an interactive window (the message box present), through WebDriver:
  an upper bound, since it includes WebKitWebDriver's own start.
- Memory of the whole app (the app and its WebKit processes) with 8 finished panes: RSS and PSS, right after
  the run and again SETTLE seconds later, with PSS per process.
- Where the CPU went during the run: per process (the app, its WebKit processes, the mock, Xvfb, the drivers)
  and per thread of the web process (its main thread, JIT workers, ...); and what the idle window costs, before the
  run (3 s) and with the finished panes (SETTLE seconds): it should be next to nothing.
- The release binary's size.
- The floor under the memory figures: a bare tao + wry window (benches/bare_window.rs) showing one line, with the
  app's WebKit settings, measured as the idle app is.

Experiments (not used for the figures): BENCH_SCENARIO=normal streams paragraphs without code; BENCH_PANES=N streams N panes instead of 8 (one pane leaves the web
process's main thread unsaturated, so its CPU time measures the work); BENCH_CSS adds a style sheet before the run;
BENCH_WINDOW=WxH sizes the window (the default shows 4 of the 8 answers); BENCH_JS runs a script before the idle reading, BENCH_CHECK_JS one after it and BENCH_END_JS one after the run,
printing their results;
BENCH_DUMP=file keeps the on-screen panes' deltas (arrived, received), every pane's renders and the frames, as JSON;
BENCH_PERF=file records the web process with `perf record -g`; BENCH_SMAPS=dir keeps each process's
/proc/PID/smaps; BENCH_NO_MO drops the harness's MutationObserver (no lag figure then); BENCH_QUIET_WAIT sleeps
through the run instead of polling it over WebDriver.

Run by benches/app_perf.sh (release build, Xvfb, tauri-driver). Exits non-zero if the run is incomplete.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
import test_app as e2e  # noqa: E402  (the E2E harness: driver, helpers)
from lag import pct, quantiles, screen_behind, streaming_gaps, trips  # noqa: E402

PANES = int(os.environ.get("BENCH_PANES", "8"))
TOKENS = int(os.environ.get("BENCH_TOKENS", "1200"))
# The mock's markdown with a fenced code block after every paragraph (BENCH_SCENARIO=normal: paragraphs only).
SCENARIO = os.environ.get("BENCH_SCENARIO", "normal@code=1")
RATE = 200
SETTLE = 15  # seconds after the run for the second memory reading

RECORDER = """
const raf = window.requestAnimationFrame.bind(window);
window.__cb = [];
// The app's own per-frame work (markdown renders) runs in rAF callbacks: time each one.
window.requestAnimationFrame = (fn) => raf((t) => { const s = performance.now(); fn(t); window.__cb.push(performance.now() - s); });
// Each frame's start (the same clock as performance.now(), so the changes stamped below fall between two frames).
window.__frameAt = []; window.__changes = {}; window.__ended = {}; window.__turns = {}; window.__stop = false;
const tick = (t) => { window.__frameAt.push(t); if (!window.__stop) requestAnimationFrame(tick); };
// A pane's scroll while it streams is a page turn (the panes follow their streams): a repaint of all it shows.
document.addEventListener('scroll', (e) => {
  const pane = e.target.closest && e.target.closest('[data-testid="pane"]');
  if (pane) (window.__turns[pane.dataset.paneIndex] ??= []).push(performance.now());
}, true);
requestAnimationFrame(tick);
// When each script the app's Rust side sends runs (a delivery of channel messages, or an invoke's answer): each calls
// Tauri's callbacks map, once or more. Each run is stamped with its first message's callback id and channel index, the
// key the app's delivery log names each delivery by, so a late script is never taken for the next one. Every delta a
// pane's channel brings is stamped too, and the channels are listed in the order the page made them (one per pane, in
// the panes' order): with the app's log of when each delta's text arrived there, how far behind each pane's screen is.
window.__scriptAt = []; window.__deltaAt = {}; window.__callbacks = []; window.__started = null;
window.__recordingSince = performance.timeOrigin + performance.now();
{
  const callbacks = window.__TAURI_INTERNALS__.callbacks, get = callbacks.get.bind(callbacks), set = callbacks.set.bind(callbacks);
  callbacks.set = (id, fn) => { window.__callbacks.push(id); return set(id, fn); };
  let marked = false;
  callbacks.get = (id) => {
    const callback = get(id);
    if (!callback) return callback;
    const at = performance.timeOrigin + performance.now(), first = !marked;
    if (first) {
      marked = true;  // one stamp per script: its calls run back to back, before any microtask
      queueMicrotask(() => { marked = false; });
    }
    return (data) => {
      if (first) window.__scriptAt.push([at, `${id}:${data && data.index}`]);
      if (data && data.message && data.message.type === 'delta') (window.__deltaAt[id] ??= []).push(at);
      else if (data && Array.isArray(data.panes)) window.__started = data.panes;  // start_turn's answer: the panes' ids
      return callback(data);
    };
  };
}
new MutationObserver((records) => {
  const now = performance.now();
  for (const r of records) {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    const text = el && el.closest('[data-testid="pane-text"]');
    const pane = text && text.closest('[data-testid="pane"]');
    if (pane) {
      // Every text change (one per render: the records of one render share now).
      const seen = (window.__changes[pane.dataset.paneIndex] ??= []);
      if (seen.at(-1) !== now) seen.push(now);
    }
    // When the page learnt that the stream ended (its `done` event), before drawing the final text.
    if (r.type === 'attributes' && r.target.dataset.status === 'done') window.__ended[r.target.dataset.paneIndex] = now;
  }
}).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status'] });
// Which answers the window shows (the panes row scrolls sideways past what fits): an off-screen answer renders
// every half second while it streams, at once when scrolled into view, and at its end.
const row = document.querySelector('section.panes').getBoundingClientRect();
window.__onScreen = [...document.querySelectorAll('[data-testid="pane"]')].map((p) => {
  const r = p.querySelector('.body').getBoundingClientRect();
  return r.right > row.left && r.left < row.right && r.top < Math.min(row.bottom, innerHeight);
});
window.__runAt = performance.now();
document.querySelector('[data-testid="run-button"]').click();
"""


# The app records how long text waited on its Rust side (src-tauri/delivery_log.rs): a pane's text for the next tick
# of the frame grid (pane_stream.rs), then its message for the window's delivery (channel_batch.rs).
DELIVERY_LOG = Path(os.environ.get("JUXTA_E2E_LOGS", "/tmp")) / "delivery.log"


def delivery_log(since, path=DELIVERY_LOG):
    """From `since` (Unix ms): each pane's flushes by its id, in order, as (when flushed, Unix ms; how long its oldest
    text had waited, ms), and each window delivery as (when sent; its wait; its key, `callback:index` of its first
    message), in the order sent."""
    panes, deliveries = {}, []
    for line in path.read_text().splitlines() if path.exists() else []:
        stage, us, at_us, *key = line.split()
        at, wait = int(at_us) / 1000, int(us) / 1000
        if at < since or not key:
            continue
        if stage == "pane":
            panes.setdefault(int(key[0]), []).append((at, wait))
        elif stage == "window":
            deliveries.append((at, wait, key[0]))
    return panes, sorted(deliveries)


def frames_by_work(frame_at, changes, turns, shown):
    """Each frame interval while answers stream, grouped by what the page changed in it: how many answers on screen
    and out of sight rendered, and whether a pane turned its page. Events stamped between two frames are that frame's
    work (a render's DOM change, then its style, layout and painting, delay the next frame)."""
    def events(by_pane, pick):
        return sorted((t, i) for i, times in by_pane.items() if pick(i) for t in times)

    on, off, turned = events(changes, lambda i: i in shown), events(changes, lambda i: i not in shown), events(turns, lambda i: True)
    every = sorted(t for t, _ in on + off)
    if not every:
        return {}
    groups = {}
    for a, b in zip(frame_at, frame_at[1:]):
        if a < every[0] or b > every[-1] + 100:
            continue
        count = lambda evs: len({i for t, i in evs if a <= t < b})  # noqa: E731
        key = (count(on), count(off), count(turned) > 0)
        groups.setdefault(key, []).append(b - a)
    return groups


def tree(pid):
    """pid and every descendant."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        kids = Path(f"/proc/{p}/task/{p}/children")
        if kids.exists():
            todo += [int(c) for c in kids.read_text().split()]
    return out


def names_of(pids):
    """The processes' names (those still running)."""
    names = set()
    for p in pids:
        try:
            names.add(Path(f"/proc/{p}/comm").read_text().strip())
        except OSError:
            pass
    return names


def memory_kb(pids, each=None):
    """Total RSS and PSS in kB; with `each` (a dict), also PSS per process name."""
    rss = pss = 0
    for p in pids:
        try:
            own = 0
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    own = int(line.split()[1])
            pss += own
            if each is not None:
                name = Path(f"/proc/{p}/comm").read_text().strip()
                each[name] = each.get(name, 0) + own
        except OSError:
            pass
    return rss, pss


def cpu_by_name(stat_files):
    """CPU seconds (user + system) used so far, summed per name, from /proc stat files (processes or threads)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for path in stat_files:
        try:
            stat = Path(path).read_text()
        except OSError:
            continue  # gone since it was listed
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_s(pids):
    """Per process name."""
    return cpu_by_name(f"/proc/{p}/stat" for p in pids)


def thread_cpu_s(pid):
    """Per thread name of one process (WebKit names its threads: JIT workers, IPC queues, GC helpers)."""
    return cpu_by_name(task / "stat" for task in Path(f"/proc/{pid}/task").iterdir())


def bare_window_memory():
    """The floor under the memory figures: total PSS (kB) and PSS per process of a bare tao + wry window
    (benches/bare_window.rs) read as the app's idle figure is, 2 s after its web process is up; None when that
    example was not built."""
    binary = e2e.BIN / "examples" / "bare_window"
    if not binary.exists():
        return None
    env = {**os.environ, "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}  # what the app chooses on a machine without a GPU
    bare = subprocess.Popen([str(binary)], env=env)
    try:
        e2e.wait_for("the bare window's web process", lambda: "WebKitWebProces" in names_of(tree(bare.pid)), every=0.05)
        time.sleep(2)
        each = {}
        _, pss = memory_kb(tree(bare.pid), each)
        return pss, each
    finally:
        bare.terminate()
        bare.wait()


def main():
    mock = subprocess.Popen([str(e2e.BIN / "juxta-mock"), "--port", "0"], stdout=subprocess.PIPE, text=True)
    url = mock.stdout.readline().strip().removeprefix("juxta-mock listening on ")
    DELIVERY_LOG.unlink(missing_ok=True)
    os.environ["JUXTA_DELIVERY_LOG"] = str(DELIVERY_LOG)  # the app inherits it through the drivers
    started = time.monotonic()
    driver_proc, driver = e2e.start_driver()
    app = e2e.App(driver)
    try:
        e2e.wait_for("the window", lambda: app.tids("prompt-input"), every=0.01)
        cold = time.monotonic() - started
        time.sleep(2)
        app_pid = int(subprocess.run(["pgrep", "-n", "-f", str(e2e.BIN / "juxta-app")], capture_output=True, text=True).stdout)
        idle_each = {}
        idle_rss, idle_pss = memory_kb(tree(app_pid), idle_each)

        app.click("providers-tab")
        app.click("add-custom-provider")
        app.tid("custom-name").send_keys("Bench")
        field = app.tid("custom-base-url")
        field.clear()
        field.send_keys(f"{url}/v1")
        app.click("custom-save")
        e2e.wait_for("the provider", lambda: app.provider_row("bench"))
        app.click("compare-tab")
        for _ in range(PANES):
            app.add_pane("bench", f"{SCENARIO}{',' if '@' in SCENARIO else '@'}tokens={TOKENS},rate={RATE}")
        driver.find_element(e2e.By.CSS_SELECTOR, '[data-testid="model-picker"] button.ghost:not(.model-option)').click()
        app.tid("prompt-input").send_keys("Write a long markdown answer with code blocks.")
        assert len(app.panes()) == PANES

        if os.environ.get("BENCH_JS"):  # experiments: a script run just before the recorder; its result is printed
            print("BENCH_JS:", driver.execute_script(os.environ["BENCH_JS"]))
        if os.environ.get("BENCH_WINDOW"):  # experiments: the window's size, WxH (more panes on screen when wider)
            width, height = (int(v) for v in os.environ["BENCH_WINDOW"].split("x"))
            driver.set_window_rect(width=width, height=height)
            time.sleep(0.5)
        if os.environ.get("BENCH_CSS"):  # experiments: extra CSS for this run only
            driver.execute_script(
                "const s = document.createElement('style'); s.textContent = arguments[0]; document.head.append(s);",
                os.environ["BENCH_CSS"],
            )
        watched = tree(app_pid) + [mock.pid] + [int(p) for p in subprocess.run(
            ["pgrep", "-f", "Xvfb|WebKitWebDriver|tauri-driver"], capture_output=True, text=True).stdout.split()]
        idle_before = cpu_s(watched)
        time.sleep(3)
        idle_after = cpu_s(watched)
        print("CPU of the idle window over 3 s: " + ", ".join(
            f"{n} {idle_after[n] - idle_before.get(n, 0):.2f} s" for n in sorted(idle_after)))
        if os.environ.get("BENCH_CHECK_JS"):  # experiments: a script run after the idle reading; its result is printed
            print("BENCH_CHECK_JS:", driver.execute_script(os.environ["BENCH_CHECK_JS"]))
        web_pid = next(p for p in tree(app_pid) if Path(f"/proc/{p}/comm").read_text().startswith("WebKitWebProces"))
        threads_before, app_threads_before = thread_cpu_s(web_pid), thread_cpu_s(app_pid)
        cpu_before, wall_before = cpu_s(watched), time.monotonic()
        profiler = None
        if os.environ.get("BENCH_PERF"):  # experiments: profile the web process during the run
            web = [p for p in tree(app_pid) if Path(f"/proc/{p}/comm").read_text().startswith("WebKitWebProces")]
            profiler = subprocess.Popen(["perf", "record", "-q", "-g", "-o", os.environ["BENCH_PERF"], "-p", str(web[0])])
        recorder = RECORDER
        if os.environ.get("BENCH_NO_MO"):
            recorder = recorder.replace("}).observe(document.body", "}).observe(document.createElement('div')")
        driver.execute_script(recorder)
        if os.environ.get("BENCH_QUIET_WAIT"):
            time.sleep(TOKENS / RATE + 3)
        e2e.wait_for("every pane done", lambda: app.statuses() == ["done"] * PANES, timeout=TOKENS / RATE + 60, every=0.5)
        cpu_after, wall = cpu_s(watched), time.monotonic() - wall_before
        threads = thread_cpu_s(web_pid)
        threads = {n: threads[n] - threads_before.get(n, 0) for n in threads}
        app_threads = thread_cpu_s(app_pid)
        app_threads = {n: app_threads[n] - app_threads_before.get(n, 0) for n in app_threads}
        if profiler:
            profiler.send_signal(2)
            profiler.wait()
        time.sleep(0.5)
        if os.environ.get("BENCH_END_JS"):  # experiments: a script run after the run; its result is printed
            print("BENCH_END_JS:", driver.execute_script(os.environ["BENCH_END_JS"]))
        data = driver.execute_script(
            "window.__stop = true; return {cb: window.__cb, frameAt: window.__frameAt, changes: window.__changes,"
            " scriptAt: window.__scriptAt, recordingSince: window.__recordingSince, timeOrigin: performance.timeOrigin,"
            " deltaAt: window.__deltaAt, callbacks: window.__callbacks, started: window.__started,"
            " turns: window.__turns,"
            " ended: window.__ended, runAt: window.__runAt, onScreen: window.__onScreen,"
            " area: (r => [r.width, r.height])(document.querySelector('[data-testid=\"pane\"] .body').getBoundingClientRect()),"
            " scrolled: [...document.querySelectorAll('[data-testid=\"pane\"] .body')].map(b => b.scrollTop),"
            " totals: [...document.querySelectorAll('[data-testid=\"pane\"]')].map("
            "p => Number(p.querySelector('[data-metric=\"total\"]').dataset.ms))}"
        )
        pids = tree(app_pid)
        each = {}
        rss, pss = memory_kb(pids, each)
        if os.environ.get("BENCH_SMAPS"):  # experiments: keep each process's memory map
            for p in pids:
                subprocess.run(f"cp /proc/{p}/smaps {os.environ['BENCH_SMAPS']}/$(cat /proc/{p}/comm).smaps", shell=True)
        settle_before = cpu_s(watched)
        time.sleep(SETTLE)  # what the user has while reading the answers: freed memory returned, caches trimmed
        settle_after = cpu_s(watched)
        settled_each = {}
        settled_rss, settled_pss = memory_kb(pids, settled_each)
        names = sorted(names_of(pids))
    finally:
        driver.quit()
        driver_proc.terminate()
        mock.terminate()
    floor = bare_window_memory()

    at = data["frameAt"]
    frames = [b - a for a, b in zip(at, at[1:])][1:]  # the first callbacks measure the recorder's own start
    # Each pane's last text change (NaN when the recorder saw none: BENCH_NO_MO).
    last = {i: times[-1] for i, times in data["changes"].items()}
    lags = [last.get(str(i), float("nan")) - (data["runAt"] + data["totals"][i]) for i in range(PANES)]
    size = (e2e.BIN / "juxta-app").stat().st_size
    print(f"panes: {PANES} x {TOKENS} tokens at {RATE} tokens/s ({TOKENS / RATE:.1f} s each), {len(frames)} frames")
    print(f"frame time ms: p50 {pct(frames, 50):.1f}  p95 {pct(frames, 95):.1f}  p99 {pct(frames, 99):.1f}  max {max(frames):.1f}")
    if all(l == l for l in lags):  # NaN when the recorder saw no text change (BENCH_NO_MO)
        print(f"pane lag behind its stream ms (upper bound): max {max(lags):.0f}  each {[round(l) for l in lags]}")
        drawn = [last[str(i)] - data["ended"].get(str(i), float("nan")) for i in range(PANES)]
        print(f"final text on screen after the page got the stream's end ms: max {max(drawn):.0f}  each {[round(l) for l in drawn]}")
        shown = [str(i) for i, on in enumerate(data["onScreen"]) if on]
        print(f"answers on screen: {len(shown)} of {PANES} (panes {[int(i) + 1 for i in shown]}; the others render every"
              f" half second while they stream), each answer area {data['area'][0]:.0f} x {data['area'][1]:.0f} px")
        # The panes follow their streams (so the text measured is the text a user sees): each ends scrolled down.
        print(f"answers scrolled to follow their stream: {sum(1 for t in data['scrolled'] if t > 0)} of {PANES}"
              f" (scrollTop {[round(t) for t in data['scrolled']]})")
        gaps = streaming_gaps({i: t for i, t in data["changes"].items() if i in shown}, data["ended"])
        if gaps:
            print(f"a streaming pane on screen changes every ms (its text waits this long at most in the page): p50 {pct(gaps, 50):.0f}"
                  f"  p95 {pct(gaps, 95):.0f}  max {max(gaps):.0f}  ({len(gaps)} gaps over {len(shown)} panes)")
            flushes, deliveries = delivery_log(data["recordingSince"])
            pane_waits = [w for f in flushes.values() for _, w in f]
            if not (pane_waits and deliveries):
                sys.exit(f"the app recorded no delivery waits in {DELIVERY_LOG} (a build older than delivery_log.rs?)")
            trip = trips(deliveries, data["scriptAt"])
            # Only deliveries the page ran count (one to a channel the page had already closed has no run).
            sent = len(deliveries)
            ran = [(d, t) for d, t in zip(deliveries, trip) if t is not None]
            deliveries, trip = [d for d, _ in ran], [t for _, t in ran]
            for what, ms in (("a pane's text waited for its flush", pane_waits),
                             ("a message waited for its delivery", [w for _, w, _ in deliveries]),
                             ("a delivery took to run in the page", trip)):
                print(f"Rust to page: {what} ms p50 {pct(ms, 50):.1f}  p95 {pct(ms, 95):.1f}  p99 {pct(ms, 99):.1f}"
                      f"  max {max(ms):.1f}  ({len(ms)})")
            print(f"  (deliveries {sent}, scripts run in the page {len(data['scriptAt'])}, matched {len(trip)})")
            # How old a message's oldest text is when the page has it: its pane's wait, then its delivery's wait and
            # trip (those two paired, per delivery; the pane's wait drawn independently).
            delivered = [w + t for (_, w, _), t in zip(deliveries, trip)]
            ages = [p + d for p in quantiles(pane_waits) for d in quantiles(delivered)]
            print(f"  a message's oldest text, when the page has it, is ms old: p50 {pct(ages, 50):.1f}  p95 {pct(ages, 95):.1f}"
                  f"  p99 {pct(ages, 99):.1f}")
            # How far behind its stream each pane on screen is: each delta's oldest text from its arrival in the app
            # to the render that drew it. The page's channels, in the order it made them, are the panes in order;
            # start_turn answered with their ids, which name their flushes in the app's log.
            channels = [c for c in data["callbacks"] if str(c) in data["deltaAt"]]
            ids = [p.get("id") for p in data["started"] or []]
            if len(channels) != PANES or len(ids) != PANES:
                sys.exit(f"the page saw {len(channels)} channels with deltas and {len(ids)} started panes, not {PANES}")
            behind, first_drawn, dumped = {}, [], {}
            for i in shown:
                arrived = [at - wait for at, wait in flushes.get(ids[int(i)], [])]
                received = data["deltaAt"][str(channels[int(i)])]
                if len(arrived) != len(received):
                    sys.exit(f"pane {int(i) + 1}: the app flushed {len(arrived)} deltas, the page received {len(received)}")
                drawn = [t + data["timeOrigin"] for t in data["changes"][i]]
                behind[i] = screen_behind(arrived, received, drawn)
                dumped[i] = {"arrived": arrived, "received": received, "drawn": drawn}
                first_drawn.append(min((t for t in drawn if t >= received[0]), default=float("inf")) - arrived[0])
            if os.environ.get("BENCH_DUMP"):  # experiments: each pane on screen's deltas and renders, and the frames (Unix ms)
                frames_at = [t + data["timeOrigin"] for t in data["frameAt"]]
                turns_at = {i: [t + data["timeOrigin"] for t in v] for i, v in data["turns"].items()}
                renders_at = {i: [t + data["timeOrigin"] for t in v] for i, v in data["changes"].items()}
                Path(os.environ["BENCH_DUMP"]).write_text(json.dumps(
                    {"panes": dumped, "frames": frames_at, "turns": turns_at, "renders": renders_at}))
            every = [b for samples in behind.values() for b in samples]
            if not every:
                sys.exit("no pane on screen drew all the text it received")
            over = lambda samples: sum(b > 100 for b in samples)  # noqa: E731  (ms more than 100 ms behind: 1 sample a ms)
            print(f"while streaming, a pane on screen is behind its stream (each text from its arrival in the app to the"
                  f" render that drew it): {statistics.fmean(every):.0f} ms on average over time, p95 {pct(every, 95):.0f},"
                  f" max {max(every):.0f}; more than 100 ms behind {over(every) / len(every):.1%} of the time"
                  f" (each pane {[f'{over(v) / len(v):.0%}' for v in behind.values()]})")
            # Where that time falls: each answer's first 0.5 s (mounting, first renders), its last, and the streaming between.
            parts = {"in the answers' first 0.5 s": [], "between": [], "in their last 0.5 s": []}
            for v in behind.values():
                end = max(500, len(v) - 500)  # samples are 1 ms apart
                first, between, last = parts.values()
                first += v[:500]
                between += v[500:end]
                last += v[end:]
            print("  of which " + ", ".join(f"{name} {over(p) / len(every):.1%} (most {max(p, default=0):.0f} ms)" for name, p in parts.items()))
            print(f"  an answer's first text drawn after it reached the app, each pane on screen: {[round(t) if t < float('inf') else 'never' for t in first_drawn]} ms")
        else:
            print("no answer on screen changed while it streamed: no streaming figures")
        groups = frames_by_work(data["frameAt"], data["changes"], data["turns"], shown)
        print("frames by what changed in them (ms between frames):")
        for (n_on, n_off, turn), ms in sorted(groups.items(), key=lambda g: -len(g[1])):
            if len(ms) >= 5:
                what = f"{n_on} answer(s) on screen, {n_off} out of sight{', a page turn' if turn else ''}"
                print(f"  {what}: {len(ms)} frames, p50 {pct(ms, 50):.0f}, p95 {pct(ms, 95):.0f}, max {max(ms):.0f}")
    print(f"cold start to interactive window (through WebDriver, upper bound): {cold:.2f} s")
    print(f"memory of the idle app at start: RSS {idle_rss / 1024:.0f} MB, PSS {idle_pss / 1024:.0f} MB")
    print(f"memory of the whole app ({', '.join(names)}; {len(pids)} processes): RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB")
    print(f"memory {SETTLE} s later (8 finished panes on screen): RSS {settled_rss / 1024:.0f} MB, PSS {settled_pss / 1024:.0f} MB")
    if floor:
        print(f"memory of a bare webview window (benches/bare_window.rs, the floor under the figures above): PSS"
              f" {floor[0] / 1024:.0f} MB (" + ", ".join(f"{n} {kb / 1024:.0f}" for n, kb in sorted(floor[1].items())) + ")")
    # An idle window should cost nothing: no animation, caret or scrollbar repainting while the user reads.
    print(f"CPU of the window with {PANES} finished panes over {SETTLE} s: " + ", ".join(
        f"{n} {settle_after[n] - settle_before.get(n, 0):.2f} s" for n in sorted(settle_after)))
    print("PSS by process, idle -> after -> settled (MB): " + ", ".join(
        f"{n} {idle_each.get(n, 0) / 1024:.0f} -> {each.get(n, 0) / 1024:.0f} -> {settled_each.get(n, 0) / 1024:.0f}"
        for n in sorted(each)))
    print(f"CPU during the run ({wall:.1f} s wall, 2 cores = {2 * wall:.1f} s): " + ", ".join(
        f"{n} {cpu_after[n] - cpu_before.get(n, 0):.2f} s" for n in sorted(cpu_after)))
    print("the web process's CPU by thread: " + ", ".join(
        f"{n} {t:.2f} s" for n, t in sorted(threads.items(), key=lambda x: -x[1]) if t >= 0.05))
    print("the app process's CPU by thread: " + ", ".join(
        f"{n} {t:.2f} s" for n, t in sorted(app_threads.items(), key=lambda x: -x[1]) if t >= 0.05))
    print(f"binary: {e2e.BIN / 'juxta-app'} {size / 1e6:.1f} MB")
    cb = data["cb"]
    print(f"time in rAF callbacks (the app's frame work + the recorder): total {sum(cb):.0f} ms over {len(cb)} callbacks, p95 {pct(cb, 95):.1f} ms, max {max(cb):.1f} ms")
    print(f"mean frame {statistics.mean(frames):.1f} ms")


if __name__ == "__main__":
    main()
