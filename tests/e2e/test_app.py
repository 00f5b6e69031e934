"""End to end in a real window: the built app under Xvfb, driven through WebDriver (tauri-driver +
WebKitWebDriver), against two local juxta-mock servers that each demand their own key.

Run by tests/e2e/run.sh, which sets up Xvfb, a D-Bus session with an unlocked GNOME Keyring (the
real Secret Service) and a private home for the app. Every step asserts what a user would see.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import Select

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / os.environ.get("JUXTA_E2E_PROFILE", "debug")
WORK = Path(os.environ["JUXTA_E2E_DIR"])  # the app's files: searched for keys at the end
LOGS = Path(os.environ["JUXTA_E2E_LOGS"])  # the harness's own logs and screenshots
SERVICE = os.environ["JUXTA_KEYCHAIN_SERVICE"]
KEY_A = "sk-e2e-alpha-0123456789abcdefAAAA"
KEY_B = "sk-e2e-bravo-0123456789abcdefBBBB"
DRIVER_PORT = 4444


def log(msg):
    print(f"e2e: {msg}", flush=True)


def start_mock(key):
    """A juxta-mock on a free port that answers only requests carrying `key`."""
    proc = subprocess.Popen(
        [str(BIN / "juxta-mock"), "--port", "0", "--require-key", key],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().strip()
    assert line.startswith("juxta-mock listening on "), line
    return proc, line.removeprefix("juxta-mock listening on ")


def wait_for(what, check, timeout=20.0, every=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def start_driver():
    proc = subprocess.Popen(
        ["tauri-driver", "--port", str(DRIVER_PORT), "--native-port", str(DRIVER_PORT + 1)],
        stdout=open(LOGS / "tauri-driver.log", "w"),
        stderr=subprocess.STDOUT,
    )

    def ready():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{DRIVER_PORT}/status", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    wait_for("tauri-driver", ready, timeout=20)
    return proc, start_session()


def start_session():
    """A WebDriver session: tauri-driver launches the app for it and closes it when it ends."""
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": str(BIN / "juxta-app")})
    return webdriver.Remote(command_executor=f"http://127.0.0.1:{DRIVER_PORT}", options=options)


class App:
    def __init__(self, driver):
        self.d = driver

    def tid(self, testid, root=None):
        return (root or self.d).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def tids(self, testid, root=None):
        return (root or self.d).find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def click(self, testid, root=None):
        self.tid(testid, root).click()

    def panes(self):
        return self.tids("pane")

    def statuses(self):
        return [p.get_attribute("data-status") for p in self.panes()]

    def provider_row(self, provider_id):
        return self.d.find_element(By.CSS_SELECTOR, f'[data-testid="provider-row"][data-provider-id="{provider_id}"]')

    def add_provider(self, name, base_url, key):
        self.click("add-custom-provider")
        self.tid("custom-name").send_keys(name)
        url = self.tid("custom-base-url")
        url.clear()
        url.send_keys(base_url)
        self.click("custom-save")
        provider_id = name.lower().replace(" ", "-")
        row = wait_for(f"row of {provider_id}", lambda: self.provider_row(provider_id))
        # A server on loopback is taken for a local one that needs no key; this one wants one.
        assert self.tid("key-status", row).get_attribute("data-state") == "not_needed"
        self.click("set-key-anyway", row)
        self.tid("key-input", row).send_keys(key)
        self.click("key-save", row)
        wait_for(
            f"{provider_id}'s key stored",
            lambda: self.tid("key-status", self.provider_row(provider_id)).get_attribute("data-state") == "present",
        )
        status = self.tid("key-status", self.provider_row(provider_id)).text
        assert key[-4:] in status and key[:-4] not in status, status
        # The key field is cleared or gone: the key is not left in the page.
        fields = self.tids("key-input", self.provider_row(provider_id))
        assert all(f.get_attribute("value") == "" for f in fields)
        self.click("test-connection", self.provider_row(provider_id))
        result = wait_for(
            f"{provider_id}'s connection test",
            lambda: (t := self.tid("test-result", self.provider_row(provider_id)).text) and "…" not in t and t,
        )
        assert "model" in result.lower() and "fail" not in result.lower(), result
        return provider_id

    def add_pane(self, provider_id, model):
        if not self.tids("model-picker"):
            self.click("add-model-button")
        Select(self.tid("picker-provider")).select_by_value(provider_id)
        field = self.tid("picker-model")
        field.clear()
        field.send_keys(model)
        self.click("picker-add")


def main():
    mock_a, url_a = start_mock(KEY_A)
    mock_b, url_b = start_mock(KEY_B)
    driver_proc, driver = start_driver()
    app = App(driver)
    try:
        a, b = run(app, url_a, url_b)
        tools_comparison(app, a, b)
        benchmark(app, a, b)
        # Quit the app (the session's end closes it), start it again: the run is in history.
        driver.quit()
        driver = start_session()
        app = App(driver)
        after_restart(app)
        no_key_anywhere(app)
        log("PASS")
    except Exception:
        subprocess.run(["import", "-window", "root", str(LOGS / "failure.png")], check=False)
        try:
            (LOGS / "failure.html").write_text(app.d.page_source)
        except Exception:
            pass
        log(f"screenshot of the failure: {LOGS / 'failure.png'}")
        raise
    finally:
        try:
            driver.quit()
        except Exception:
            pass
        driver_proc.terminate()
        mock_a.terminate()
        mock_b.terminate()


def run(app, url_a, url_b):
    d = app.d
    wait_for("the window", lambda: app.tids("prompt-input"))
    wait_for("the first-run guide (no keys yet)", lambda: app.tids("first-run"))
    log("window up, first-run guide shown")

    # Two providers, each with its key stored in the real Secret Service.
    app.click("providers-tab")
    a = app.add_provider("Mock A", f"{url_a}/v1", KEY_A)
    b = app.add_provider("Mock B", f"{url_b}/v1", KEY_B)
    for provider, key in [(a, KEY_A), (b, KEY_B)]:
        stored = subprocess.run(
            ["secret-tool", "lookup", "service", SERVICE, "username", provider], capture_output=True, text=True
        ).stdout
        assert stored == key, f"the keychain holds {provider}'s key"
    log("two providers added, keys in the Secret Service, connection tests pass")

    # One prompt, three panes.
    app.click("compare-tab")
    app.add_pane(a, "normal@tokens=400,rate=40")
    app.add_pane(b, "normal@tokens=150,rate=120")
    app.add_pane(a, "reasoning@tokens=120,reasoning=60,rate=60")
    assert len(app.panes()) == 3, app.statuses()
    d.find_element(By.CSS_SELECTOR, '[data-testid="model-picker"] button.ghost:not(.model-option)').click()  # Done
    app.tid("prompt-input").send_keys(PROMPT)
    app.click("run-button")

    seen = [set() for _ in range(3)]

    def all_streamed():
        for i, s in enumerate(app.statuses()):
            seen[i].add(s)
        return all("streaming" in s for s in seen)

    try:
        wait_for("all three panes streaming", all_streamed, timeout=30, every=0.05)
    except AssertionError:
        raise AssertionError(f"not every pane was seen streaming: {seen}")
    log(f"all three panes streamed (statuses seen: {[sorted(s) for s in seen]})")

    # The slow pane follows its stream: once its text reaches the bottom, it turns the page (the room below the
    # answer appears) and the newest text stays in sight.
    slow = app.panes()[0]
    view_js = """const body = arguments[0].querySelector('.body');
      const room = parseFloat(body.firstElementChild.style.paddingBottom || '0');
      return {top: body.scrollTop, height: body.clientHeight, end: body.scrollHeight - room, room: room};"""
    view = wait_for("the slow pane to turn a page", lambda: (v := d.execute_script(view_js, slow))["room"] > 0 and v)
    assert 0 < view["top"] <= view["end"] <= view["top"] + view["height"] + 1, f"the newest text is in sight: {view}"
    log(f"the slow pane follows its stream (scrolled {view['top']:.0f} px, its end in sight: {view})")

    # Stop the slow pane mid-answer: its partial text stays.
    wait_for("text in the slow pane", lambda: len(app.tid("pane-text", app.panes()[0]).text) > 20)
    app.click("pane-stop", slow)
    wait_for("the slow pane stopped", lambda: app.statuses()[0] == "stopped")
    # The status changes at once; the last delta before the stop is painted on the next frame.
    # Wait until the text is still for a moment, then nothing may change it any more.
    def settled_text():
        first = app.tid("pane-text", app.panes()[0]).text
        time.sleep(0.3)
        return first if app.tid("pane-text", app.panes()[0]).text == first else None

    partial = wait_for("the stopped pane's text to settle", settled_text)
    assert len(partial) > 20, partial
    wait_for("the other panes done", lambda: app.statuses()[1:] == ["done", "done"], timeout=30)
    time.sleep(0.5)
    assert app.tid("pane-text", app.panes()[0]).text == partial, "the stopped pane's text is kept as it was"
    assert app.statuses()[0] == "stopped"
    for pane in app.panes()[1:]:
        assert len(app.tid("pane-text", pane).text) > 50
        metrics = app.tid("pane-metrics", pane).text
        assert "TTFT" in metrics or "ttft" in metrics.lower(), metrics
    log("stopped one pane mid-answer (partial text kept); the others finished with metrics")
    # Once the runs have ended, the room below each answer goes: the last line sits at the pane's bottom edge.
    room_js = "return [...document.querySelectorAll('[data-testid=pane] .body > .content')].map(c => c.style.paddingBottom)"
    wait_for("the room below the answers to go", lambda: d.execute_script(room_js) == ["", "", ""])

    subprocess.run(["import", "-window", "root", str(LOGS / "screenshot.png")], check=True)

    # The inspector shows the request with the key redacted.
    pane_b = app.panes()[1]
    app.click("pane-inspector-toggle", pane_b)
    inspector = wait_for("the inspector", lambda: app.tid("inspector", app.panes()[1]))
    text = inspector.text
    assert "/v1/chat/completions" in text, text
    assert "redacted" in text, text
    assert KEY_B not in text and KEY_B[:-4] not in text
    log("inspector shows the request, key redacted")

    # The run was saved as it streamed: it is in the history sidebar already.
    item = wait_for("the run in the history sidebar", lambda: [i for i in app.tids("history-item") if title(app, i) == PROMPT])
    log(f"the run is in history: {title(app, item[0])!r}")
    STATE["partial"] = partial
    return a, b


TOOLS_PROMPT = "What is the weather in Paris? Use the tool."


def tools_comparison(app, a, b):
    """Three panes offered one tool with a canned result: two loop to their answer on their own,
    one keeps calling with arguments that break the schema until the step limit hands it to the user."""
    d = app.d
    for button in d.find_elements(By.CSS_SELECTOR, '[data-testid="pane"] header button'):
        button.click()
    wait_for("no panes", lambda: not app.panes())
    app.add_pane(a, "tool-loop@steps=1")
    app.add_pane(b, "tool-loop@steps=1,rate=80")
    app.add_pane(a, "tools@invalid=1")
    d.find_element(By.CSS_SELECTOR, '[data-testid="model-picker"] button.ghost:not(.model-option)').click()  # Done
    assert len(app.panes()) == 3, app.statuses()

    app.click("tools-toggle")
    Select(app.tid("add-tool")).select_by_value("get_weather")
    wait_for("the example tool's schema checked", lambda: "valid JSON Schema" in app.tid("tool-problem").text)
    prompt = app.tid("prompt-input")
    prompt.clear()
    prompt.send_keys(TOOLS_PROMPT)
    app.click("run-button")

    def answered(i):
        return app.statuses()[i] == "done" and "After 1 tool results" in app.tid("pane-text", app.panes()[i]).text

    wait_for("both looping panes answered with the canned result", lambda: answered(0) and answered(1), timeout=30)
    for i in (0, 1):
        pane = app.panes()[i]
        assert "sunny" in app.tid("pane-text", pane).text, "the canned result reached the model"
        calls = app.tids("tool-call", pane)
        assert calls and all(c.get_attribute("data-valid") == "true" for c in calls), "its call matched the schema"
    # The third pane's arguments break the schema; it keeps calling until the step limit (4).
    third = lambda: app.panes()[2]
    wait_for("the step limit handing the third pane to the user", lambda: app.tids("tool-results", third()), timeout=30)
    verdicts = [c.get_attribute("data-valid") for c in app.tids("tool-call", third())]
    assert verdicts and set(verdicts) == {"false"}, verdicts
    check = app.tid("tool-call-check", third()).text
    assert "/city" in check, check
    assert "4-step limit" in app.tid("tool-results", third()).text
    # The loops' own turns (sent as soon as a stream ends, maybe before its start was acknowledged) are recorded in
    # the same history comparison.
    assert not [e.text for e in d.find_elements(By.CSS_SELECTOR, '[role="alert"]') if "History could not" in e.text]
    app.click("pane-inspector-toggle", app.panes()[0])
    inspector = wait_for("the inspector", lambda: app.tid("inspector", app.panes()[0]))
    assert '"tools"' in inspector.text and "get_weather" in inspector.text, "the request carried the tool"
    app.click("pane-inspector-toggle", app.panes()[0])
    app.click("tools-toggle")  # folded, so the panes fill the window
    for pane in app.panes():  # each pane's last call and its verdict in view
        d.execute_script(
            "const c = arguments[0], b = c.closest('.body');"
            "b.scrollTop += c.getBoundingClientRect().top - b.getBoundingClientRect().top - 8;",
            app.tids("tool-call", pane)[-1],
        )
    time.sleep(1)  # the DOM is ready before WebKit has painted it
    subprocess.run(["import", "-window", "root", str(LOGS / "tools.png")], check=True)
    log("tools: two panes looped to their answer with the canned result; the invalid one stopped at the step limit")


def benchmark(app, a, b):
    """A 20-run benchmark of two panes (one with a scripted 429 on every 5th request) in the app: progress to
    the end, the summary's figures, and the three charts drawn."""
    d = app.d
    for button in d.find_elements(By.CSS_SELECTOR, '[data-testid="pane"] header button'):
        button.click()
    wait_for("no panes", lambda: not app.panes())
    app.add_pane(a, "normal@tokens=30,ttft=40")
    app.add_pane(b, "normal@tokens=30,fail_every=5")
    d.find_element(By.CSS_SELECTOR, '[data-testid="model-picker"] button.ghost:not(.model-option)').click()  # Done
    prompt = app.tid("prompt-input")
    prompt.clear()
    prompt.send_keys(BENCH_PROMPT)
    app.click("bench-open")
    wait_for("the benchmark view", lambda: app.tids("bench-view"))
    reps = app.tid("bench-reps")
    reps.clear()
    reps.send_keys("10")
    Select(app.tid("bench-retries")).select_by_value("none")
    wait_for("the request count", lambda: "= 20 requests" in " ".join(app.tid("bench-count").text.split()))
    app.click("bench-start")
    wait_for("the summary", lambda: app.tids("bench-summary"), timeout=60)
    done = app.tid("bench-done").text
    assert "20" in done, f"progress reached every run: {done!r}"
    rows = app.tids("bench-row")
    assert len(rows) == 2, len(rows)
    cell = lambda row, col: row.find_element(By.CSS_SELECTOR, f'[data-col="{col}"]').text
    assert (cell(rows[0], "runs"), cell(rows[0], "ok"), cell(rows[0], "errors")) == ("10", "10", "0%"), cell(rows[0], "errors")
    assert (cell(rows[1], "runs"), cell(rows[1], "ok"), cell(rows[1], "errors")) == ("10", "8", "20%"), cell(rows[1], "errors")
    ttft = cell(rows[0], "ttft-p50")
    assert ttft.endswith("ms") and float(ttft.split()[0].replace(",", "")) >= 40, f"the scripted 40 ms TTFT shows: {ttft}"
    charts = app.tids("bench-chart")
    assert len(charts) == 3, f"three charts: {len(charts)}"
    for chart in charts:
        assert chart.find_elements(By.TAG_NAME, "svg"), "each chart is drawn"
        legend = app.tid("chart-legend", chart).text
        assert "normal@tokens=30,fail_every=5" in legend or "cost" in chart.text.lower(), legend
    saved = invoke(app, "list_benches", {})
    assert saved and saved[0]["runs"] == 20 and saved[0]["failed"] == 2, saved
    time.sleep(1)  # the DOM is ready before WebKit has painted it
    subprocess.run(["import", "-window", "root", str(LOGS / "bench.png")], check=True)
    app.click("bench-back")
    wait_for("the comparison again", lambda: app.tids("prompt-input"))
    log("benchmark: 20 runs, 2 scripted 429s counted, figures and three charts shown, kept in history")


BENCH_PROMPT = "Benchmark this answer."
PROMPT = "Explain what a side-by-side model comparison shows."
STATE = {}


def title(app, item):
    """A history item's title as stored (the sidebar may cut it short with an ellipsis)."""
    return app.tid("history-title", item).get_attribute("textContent").strip()


def invoke(app, cmd, args):
    """Call one of the app's commands the way its UI does (for what only a native dialog would reach)."""
    result = app.d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
        ".then(v => done({ok: v ?? null}), e => done({err: e}));",
        cmd,
        args,
    )
    assert "err" not in result, f"{cmd} failed: {result}"
    return result["ok"]


def after_restart(app):
    wait_for("the window after a restart", lambda: app.tids("prompt-input"))
    # Find the run by a word of an answer (the mock's answers say "deterministic").
    app.tid("history-search").send_keys("deterministic")
    hit = wait_for(
        "a search hit with the word highlighted",
        lambda: [i for i in app.tids("history-item") if title(app, i) == PROMPT and i.find_elements(By.TAG_NAME, "mark")],
    )[0]
    marks = [m.get_attribute("textContent").lower() for m in hit.find_elements(By.TAG_NAME, "mark")]
    assert "deterministic" in marks, marks
    comparison_id = int(hit.get_attribute("data-id"))
    log(f"after a restart, search found comparison {comparison_id} with {marks} highlighted")

    # Open it: read-only panes with the stopped pane's partial text and the others' metrics.
    app.click("history-open", hit)
    wait_for("the saved comparison", lambda: app.tids("history-readonly"))
    wait_for("three saved panes", lambda: len(app.panes()) == 3)
    statuses = app.statuses()
    assert statuses == ["stopped", "done", "done"], statuses
    saved = app.tid("pane-text", app.panes()[0]).text
    assert saved == STATE["partial"], (saved, STATE["partial"])
    for pane in app.panes()[1:]:
        assert "ttft" in app.tid("pane-metrics", pane).text.lower()
    time.sleep(1)  # the DOM is ready before WebKit has painted it
    subprocess.run(["import", "-window", "root", str(LOGS / "history.png")], check=True)
    log("opened it read-only: the stopped pane's partial text and the others' metrics are all there")

    # Export to Markdown and HTML (the save dialog is the OS's; its result goes to this command).
    out = LOGS / "exports"
    out.mkdir(exist_ok=True)
    invoke(app, "export_comparison", {"id": comparison_id, "format": "markdown", "path": str(out / "run.md")})
    invoke(app, "export_comparison", {"id": comparison_id, "format": "html", "path": str(out / "run.html")})
    md = (out / "run.md").read_text()
    html = (out / "run.html").read_text()
    for text in (md, html):
        assert PROMPT in text, "the export has the prompt"
        assert "normal@tokens=150,rate=120" in text, "the export names each model"
        assert "deterministic" in text, "the export has the answers"
    saved = invoke(app, "get_comparison", {"id": comparison_id})
    stopped = saved["turns"][0]["answers"][0]
    assert stopped["status"] == "stopped", stopped["status"]
    tail = stopped["report"]["text"].strip()[-40:]
    assert len(tail) > 10 and tail in md, f"the stopped pane's partial answer is exported to its end: {tail!r}"
    assert "<script" not in html.lower(), "the HTML export has no script"
    log(f"exported to Markdown ({len(md)} bytes) and HTML ({len(html)} bytes)")


def no_key_anywhere(app):
    """The keys are nowhere in the page, its storage or the app's files (config, logs, history)."""
    d = app.d
    page = d.page_source
    storage = d.execute_script("return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    for key in (KEY_A, KEY_B):
        assert key not in page and key[:-4] not in page, "a key is in the DOM"
        assert key not in storage, "a key is in web storage"
    history = list(WORK.rglob("history.db*"))
    assert history, "the history database is under the app's data dir"
    leaks = []
    for key in (KEY_A, KEY_B):
        found = subprocess.run(["grep", "-rl", "--", key[:-4], str(WORK), str(LOGS / "exports")], capture_output=True, text=True)
        leaks += found.stdout.split()
    assert not leaks, f"a key reached a file: {leaks}"
    log(f"no key in the DOM, web storage, logs, config, history ({', '.join(p.name for p in history)}) or exports")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"e2e: FAIL: {e}", file=sys.stderr)
        sys.exit(1)
