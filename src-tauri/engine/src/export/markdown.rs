//! Markdown: a readable report. Answers are rendered as the Markdown they are, unless one would
//! swallow what follows it (an unclosed fence or HTML block): that one is fenced verbatim.

use pulldown_cmark::{Event, Parser, Tag};

use super::common::{self, Setting};
use super::Options;
use crate::store::{Answer, Comparison, Turn};

pub fn render(comparisons: &[Comparison], opts: &Options) -> String {
    let mut out = String::new();
    for (i, c) in comparisons.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        comparison(&mut out, c, opts);
    }
    out
}

fn comparison(out: &mut String, c: &Comparison, opts: &Options) {
    out.push_str(&format!("# {}\n\n", inline(&c.title)));
    out.push_str(&format!(
        "*{} · {} · {}*\n\n",
        common::human_time(c.created_at),
        common::count(c.panes.len(), "model", "models"),
        common::count(c.turns.len(), "turn", "turns")
    ));
    summary(out, c);
    let mut noted = vec![false; c.panes.len()];
    for (i, turn) in c.turns.iter().enumerate() {
        out.push_str(&format!(
            "## Turn {} · {}\n\n",
            i + 1,
            common::human_time(turn.created_at)
        ));
        if let Some(label) = common::only_pane_label(c, turn) {
            out.push_str(&format!("> Follow-up sent to {} only.\n\n", inline(&label)));
        }
        if let Some(system) = common::new_shared_system(c, i) {
            out.push_str("**Shared system prompt**\n\n");
            out.push_str(&fenced(system, "text"));
        }
        out.push_str("**Prompt**\n\n");
        out.push_str(&quoted(&turn.prompt));
        for answer in &turn.answers {
            let first = match common::locate(c, answer.pane_id) {
                Some((i, _)) => !std::mem::replace(&mut noted[i], true),
                None => false,
            };
            answer_section(out, c, turn, answer, first, opts);
        }
    }
}

/// One row per pane: who was compared and how the user rated them.
fn summary(out: &mut String, c: &Comparison) {
    if c.panes.is_empty() {
        return;
    }
    out.push_str("| # | Provider | Model | Rating |\n|---|---|---|---|\n");
    for (i, p) in c.panes.iter().enumerate() {
        let rating = p.rating.map(common::stars).unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {rating} |\n",
            i + 1,
            inline(&p.provider),
            inline(&p.model)
        ));
    }
    out.push('\n');
}

/// `first`: this is the pane's first answer in the document, where its note goes.
fn answer_section(
    out: &mut String,
    c: &Comparison,
    turn: &Turn,
    answer: &Answer,
    first: bool,
    opts: &Options,
) {
    let located = common::locate(c, answer.pane_id);
    let pane = located.map(|(_, p)| p);
    let number = located.map_or(String::new(), |(i, _)| format!("{}. ", i + 1));
    let report = &answer.report;
    out.push_str(&format!(
        "### {number}{}\n\n",
        inline(&common::pane_label(pane, report))
    ));

    settings(out, &common::settings(pane, turn));
    if let Some(system) = pane.and_then(|p| p.settings.system.as_deref()) {
        out.push_str("**System prompt (this pane's own)**\n\n");
        out.push_str(&fenced(system, "text"));
    }
    if let Some(note) = common::served_note(report) {
        out.push_str(&format!("> **Note:** {}\n\n", inline(&note)));
    }
    if let Some(note) = common::status_note(answer.status) {
        out.push_str(&format!("> *{note}*\n\n"));
    }
    metrics(out, report);
    if first {
        if let Some(p) = pane {
            rating_and_note(out, p.rating, &p.note);
        }
    }
    if opts.reasoning && !report.reasoning.trim().is_empty() {
        out.push_str("<details>\n<summary>Reasoning</summary>\n\n");
        out.push_str(&markdown_block(&report.reasoning));
        out.push_str("</details>\n\n");
    }
    body(out, answer);
}

fn settings(out: &mut String, settings: &[Setting]) {
    if settings.is_empty() {
        return;
    }
    let parts: Vec<String> = settings
        .iter()
        .map(|s| {
            let whose = if s.own { "own" } else { "shared" };
            format!("{} {} ({whose})", s.name, inline(&s.value))
        })
        .collect();
    out.push_str(&format!("**Settings:** {}\n\n", parts.join(" · ")));
}

fn metrics(out: &mut String, report: &crate::run::PaneReport) {
    let rows = common::metrics(report);
    if !rows.is_empty() {
        out.push_str("| Metric | Value |\n|---|---|\n");
        for (label, value) in rows {
            out.push_str(&format!("| {label} | {} |\n", inline(&value)));
        }
        out.push('\n');
    }
    let attempts = common::attempt_lines(report);
    if !attempts.is_empty() {
        out.push_str("**Attempts**\n\n");
        for (i, line) in attempts.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, inline(line)));
        }
        out.push('\n');
    }
}

fn rating_and_note(out: &mut String, rating: Option<u8>, note: &str) {
    if let Some(r) = rating {
        out.push_str(&format!("**Rating:** {}\n\n", common::stars(r)));
    }
    if !note.trim().is_empty() {
        out.push_str("**Note:**\n\n");
        out.push_str(&quoted(note));
    }
}

/// The answer itself: text, tool calls, error.
fn body(out: &mut String, answer: &Answer) {
    let report = &answer.report;
    if !report.text.trim().is_empty() {
        out.push_str(&markdown_block(&report.text));
    }
    for call in &report.tool_calls {
        out.push_str(&format!("**Tool call:** {}\n\n", inline(&call.name)));
        out.push_str(&fenced(&common::pretty_arguments(&call.arguments), "json"));
    }
    if let Some(e) = &report.error {
        out.push_str(&format!(
            "**Error:** {}\n\n",
            inline(&common::error_line(e))
        ));
    } else if report.text.trim().is_empty() && report.tool_calls.is_empty() {
        out.push_str("*(no text)*\n\n");
    }
}

/// Plain text on one line, with Markdown's special characters escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// Text as a blockquote: whatever Markdown it holds ends with the quote.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        out.push_str(if line.is_empty() { ">" } else { "> " });
        out.push_str(line);
        out.push('\n');
    }
    if text.is_empty() {
        out.push_str(">\n");
    }
    out.push('\n');
    out
}

/// Text verbatim in a code fence longer than any backtick run inside it.
pub(crate) fn fenced(text: &str, info: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
    let body = text.strip_suffix('\n').unwrap_or(text);
    format!("{fence}{info}\n{body}\n{fence}\n\n")
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Markdown that will not swallow the document after it: as-is when it closes cleanly,
/// otherwise fenced verbatim.
fn markdown_block(text: &str) -> String {
    let text = text.trim_end();
    if closes_cleanly(text) {
        format!("{text}\n\n")
    } else {
        fenced(text, "markdown")
    }
}

const SENTINEL: &str = "juxtaendofanswer7f3a";

/// Whether a paragraph written after `text` (and a blank line) stands on its own at top level,
/// i.e. `text` leaves no fenced code or HTML block open.
fn closes_cleanly(text: &str) -> bool {
    let probe = format!("{text}\n\n{SENTINEL}\n");
    let mut stack: Vec<bool> = Vec::new(); // true for a paragraph
    for event in Parser::new(&probe) {
        match event {
            Event::Start(tag) => stack.push(matches!(tag, Tag::Paragraph)),
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) if t.as_ref() == SENTINEL => return stack == [true],
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_outgrows_backtick_runs() {
        assert!(fenced("plain", "text").starts_with("```text\n"));
        assert!(fenced("has ``` inside", "").starts_with("````\n"));
        assert!(fenced("has ````` inside", "").starts_with("``````\n"));
    }

    #[test]
    fn balanced_markdown_stays_rendered() {
        let text = "# Title\n\n```rust\nfn main() {}\n```\n\n- a\n- b";
        assert!(closes_cleanly(text));
        assert_eq!(markdown_block(text), format!("{text}\n\n"));
    }

    #[test]
    fn an_unclosed_fence_is_fenced_verbatim() {
        let text = "Here:\n```python\nprint(1)";
        assert!(!closes_cleanly(text));
        let block = markdown_block(text);
        assert!(block.starts_with("````markdown\n"), "{block}");
        assert!(block.ends_with("\n````\n\n"));
    }

    #[test]
    fn an_open_html_block_is_fenced_verbatim() {
        assert!(!closes_cleanly("<pre>\nunterminated"));
        assert!(!closes_cleanly("<!-- open comment"));
    }

    #[test]
    fn inline_text_cannot_start_markup() {
        assert_eq!(inline("a|b *c* [d](e)\nf"), "a\\|b \\*c\\* \\[d\\](e) f");
    }
}
