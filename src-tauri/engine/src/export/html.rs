//! HTML: one self-contained offline file. Inline CSS, no script, no remote loads; panes side by
//! side as in the app, stacked on a phone. Model output is untrusted: its Markdown is rendered
//! with pulldown-cmark and sanitised with ammonia; everything else is escaped.

use ammonia::UrlRelative;
use pulldown_cmark::{html::push_html, Options as MdOptions, Parser};

use super::common;
use super::Options;
use crate::run::PaneReport;
use crate::store::{Answer, Comparison, PaneRecord, Turn};

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1d1d1f;--muted:#6e6e73;--line:#d8d8dc;--card:#f6f6f8;--code:#eeeef2;--warn:#8a5a00;--warnbg:#fff4d6;--err:#b00020;--errbg:#fde7ea;--link:#0a58ca}
@media (prefers-color-scheme:dark){:root{--bg:#141416;--fg:#ececf0;--muted:#a0a0a8;--line:#34343a;--card:#1d1d21;--code:#26262c;--warn:#f5c66b;--warnbg:#3a2f12;--err:#ff8a9a;--errbg:#3d1a20;--link:#8ab4ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{padding:1rem 1.25rem;max-width:100%}
a{color:var(--link)}
h1{font-size:1.5rem;margin:.25rem 0}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-top:1px solid var(--line);padding-top:1rem}h3{font-size:1rem;margin:0 0 .5rem}
.meta,.when,.settings,.status{color:var(--muted);font-size:.875rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--code);padding:.6rem .75rem;border-radius:6px;margin:.5rem 0}
code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.answer pre{white-space:pre;overflow-x:auto}
.prompt{margin:.5rem 0 1rem}
.only{background:var(--card);border-left:3px solid var(--link);padding:.4rem .75rem}
.panes{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(20rem,1fr);gap:1rem;overflow-x:auto;padding-bottom:.5rem}
.pane{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem;min-width:0}
.answer{overflow-wrap:anywhere}.answer table{border-collapse:collapse}.answer td,.answer th{border:1px solid var(--line);padding:.2rem .4rem}
.warn{background:var(--warnbg);color:var(--warn);padding:.35rem .6rem;border-radius:6px}
.error{background:var(--errbg);color:var(--err);padding:.35rem .6rem;border-radius:6px}
table.metrics,table.summary{border-collapse:collapse;font-size:.85rem;margin:.75rem 0}
table.metrics th,table.metrics td,table.summary th,table.summary td{border-bottom:1px solid var(--line);padding:.2rem .6rem .2rem 0;text-align:left;vertical-align:top}
table.metrics th{font-weight:500;color:var(--muted)}
table.summary td{white-space:pre-wrap}
blockquote{margin:.5rem 0;padding:.1rem .75rem;border-left:3px solid var(--line);white-space:pre-wrap}
details{margin:.5rem 0}summary{cursor:pointer;color:var(--muted)}
@media (max-width:720px){main{padding:.75rem}.panes{grid-auto-flow:row;grid-template-columns:1fr;grid-auto-columns:auto;overflow-x:visible}}
"#;

pub fn render(comparisons: &[Comparison], opts: &Options) -> String {
    let page = Page::new(opts);
    let title = match comparisons {
        [one] => one.title.as_str(),
        _ => "Juxta comparisons",
    };
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
    ));
    out.push_str(&format!(
        "<meta name=\"generator\" content=\"juxta {}\">\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&format!(
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(title)
    ));
    for c in comparisons {
        page.comparison(&mut out, c);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// What every section needs: the options and one sanitiser, built once per export.
struct Page<'a> {
    opts: &'a Options,
    cleaner: ammonia::Builder<'static>,
}

impl<'a> Page<'a> {
    fn new(opts: &'a Options) -> Self {
        let mut cleaner = ammonia::Builder::default();
        // Images could load remote content; relative links point nowhere in a standalone file.
        cleaner
            .rm_tags(["img"])
            .url_relative(UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer"));
        Page { opts, cleaner }
    }

    /// Untrusted Markdown to safe HTML.
    fn markdown(&self, text: &str) -> String {
        let mut raw = String::with_capacity(text.len() * 3 / 2);
        push_html(
            &mut raw,
            Parser::new_ext(
                text,
                MdOptions::ENABLE_TABLES | MdOptions::ENABLE_STRIKETHROUGH,
            ),
        );
        self.cleaner.clean(&raw).to_string()
    }

    fn comparison(&self, out: &mut String, c: &Comparison) {
        out.push_str("<article class=\"comparison\">\n<header>\n");
        out.push_str(&format!("<h1>{}</h1>\n", escape(&c.title)));
        out.push_str(&format!(
            "<p class=\"meta\">{} · {} · {}</p>\n",
            common::human_time(c.created_at),
            common::count(c.panes.len(), "model", "models"),
            common::count(c.turns.len(), "turn", "turns")
        ));
        summary(out, &c.panes);
        out.push_str("</header>\n");
        for (i, turn) in c.turns.iter().enumerate() {
            self.turn(out, c, i, turn);
        }
        out.push_str("</article>\n");
    }

    fn turn(&self, out: &mut String, c: &Comparison, index: usize, turn: &Turn) {
        out.push_str("<section class=\"turn\">\n");
        out.push_str(&format!(
            "<h2>Turn {} <span class=\"when\">{}</span></h2>\n",
            index + 1,
            common::human_time(turn.created_at)
        ));
        if let Some(label) = common::only_pane_label(c, turn) {
            out.push_str(&format!(
                "<p class=\"only\">Follow-up sent to {} only.</p>\n",
                escape(&label)
            ));
        }
        out.push_str("<div class=\"prompt\">\n");
        if let Some(system) = common::new_shared_system(c, index) {
            out.push_str(&format!(
                "<details><summary>Shared system prompt</summary><pre>{}</pre></details>\n",
                escape(system)
            ));
        }
        out.push_str(&format!(
            "<h3>Prompt</h3>\n<pre class=\"user\">{}</pre>\n</div>\n",
            escape(&turn.prompt)
        ));
        out.push_str("<div class=\"panes\">\n");
        for answer in &turn.answers {
            self.pane(out, c, turn, answer);
        }
        out.push_str("</div>\n</section>\n");
    }

    fn pane(&self, out: &mut String, c: &Comparison, turn: &Turn, answer: &Answer) {
        let located = common::locate(c, answer.pane_id);
        let pane = located.map(|(_, p)| p);
        let number = located.map_or(String::new(), |(i, _)| format!("{}. ", i + 1));
        let report = &answer.report;
        out.push_str("<article class=\"pane\">\n");
        out.push_str(&format!(
            "<h3>{number}{}</h3>\n",
            escape(&common::pane_label(pane, report))
        ));
        settings(out, pane, turn);
        if let Some(note) = common::served_note(report) {
            out.push_str(&format!("<p class=\"warn\">{}</p>\n", escape(&note)));
        }
        if let Some(note) = common::status_note(answer.status) {
            out.push_str(&format!("<p class=\"status\">{note}</p>\n"));
        }
        if self.opts.reasoning && !report.reasoning.trim().is_empty() {
            out.push_str(&format!(
                "<details class=\"reasoning\"><summary>Reasoning</summary>\n{}</details>\n",
                self.markdown(&report.reasoning)
            ));
        }
        if !report.text.trim().is_empty() {
            out.push_str(&format!(
                "<div class=\"answer\">\n{}</div>\n",
                self.markdown(&report.text)
            ));
        }
        tool_calls(out, report);
        if let Some(e) = &report.error {
            out.push_str(&format!(
                "<p class=\"error\">Error: {}</p>\n",
                escape(&common::error_line(e))
            ));
        }
        metrics(out, report);
        out.push_str("</article>\n");
    }
}

/// Who was compared, with the user's rating and note.
fn summary(out: &mut String, panes: &[PaneRecord]) {
    if panes.is_empty() {
        return;
    }
    out.push_str("<table class=\"summary\">\n<tr><th>#</th><th>Provider</th><th>Model</th><th>Rating</th><th>Note</th></tr>\n");
    for (i, p) in panes.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            i + 1,
            escape(&p.provider),
            escape(&p.model),
            p.rating.map(common::stars).unwrap_or_default(),
            escape(&p.note)
        ));
    }
    out.push_str("</table>\n");
}

fn settings(out: &mut String, pane: Option<&PaneRecord>, turn: &Turn) {
    let parts: Vec<String> = common::settings(pane, turn)
        .iter()
        .map(|s| {
            format!(
                "{} {} ({})",
                s.name,
                escape(&s.value),
                if s.own { "own" } else { "shared" }
            )
        })
        .collect();
    if !parts.is_empty() {
        out.push_str(&format!(
            "<p class=\"settings\">{}</p>\n",
            parts.join(" · ")
        ));
    }
    if let Some(system) = pane.and_then(|p| p.settings.system.as_deref()) {
        out.push_str(&format!(
            "<details><summary>System prompt (this pane's own)</summary><pre>{}</pre></details>\n",
            escape(system)
        ));
    }
}

fn tool_calls(out: &mut String, report: &PaneReport) {
    for call in &report.tool_calls {
        out.push_str(&format!(
            "<div class=\"tool\"><p>Tool call: <code>{}</code></p><pre><code>{}</code></pre></div>\n",
            escape(&call.name),
            escape(&common::pretty_arguments(&call.arguments))
        ));
    }
}

fn metrics(out: &mut String, report: &PaneReport) {
    let rows = common::metrics(report);
    if !rows.is_empty() {
        out.push_str("<table class=\"metrics\">\n");
        for (label, value) in rows {
            out.push_str(&format!(
                "<tr><th>{label}</th><td>{}</td></tr>\n",
                escape(&value)
            ));
        }
        out.push_str("</table>\n");
    }
    let attempts = common::attempt_lines(report);
    if !attempts.is_empty() {
        out.push_str("<ol class=\"attempts\">\n");
        for line in attempts {
            out.push_str(&format!("<li>{}</li>\n", escape(&line)));
        }
        out.push_str("</ol>\n");
    }
}

/// Text for element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn sanitiser_keeps_formatting_and_plain_links() {
        let opts = Options::default();
        let page = Page::new(&opts);
        let html = page.markdown("**bold** and [site](https://example.com)\n\n| a |\n|---|\n| 1 |");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn sanitiser_drops_images_and_relative_links() {
        let opts = Options::default();
        let page = Page::new(&opts);
        let html = page.markdown("![x](https://tracker.example/p.png) [rel](../etc/passwd)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("passwd"), "{html}");
    }
}
