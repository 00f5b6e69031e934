//! Deterministic answer text, cut to the request's `max_tokens` and stop sequences.
//!
//! One "token" is one word-ish piece. The answer for N tokens is always the first N pieces of
//! the same sequence, so the same N gives the same text on every run.

use std::borrow::Cow;

pub type Piece = Cow<'static, str>;

/// Heading, paragraph, fenced code block and list: the first 29 pieces of every answer.
const TEMPLATE: &[&str] = &[
    "#",
    " Mock",
    " answer",
    "\n\n", //
    "This",
    " is",
    " a",
    " deterministic",
    " reply",
    ".",
    "\n\n", //
    "```",
    "rust",
    "\n",
    "fn",
    " main()",
    " {}",
    "\n",
    "```",
    "\n\n", //
    "-",
    " one",
    "\n",
    "-",
    " two",
    "\n",
    "-",
    " three",
    "\n\n",
];

/// Repeated after the template for longer answers; each round is one paragraph.
const FILLER: &[&str] = &[
    "The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ",", " and",
    " the", " mock", " keeps", " talking", " until", " it", " has", " said", " enough", ".",
    "\n\n",
];

/// With `code=1`: each round is a paragraph and then a fenced code block (markdown with code throughout).
const CODE_FILLER: &[&str] = &[
    "The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ",", " and",
    " the", " mock", " shows", " some", " code", ":", "\n\n", "```", "python", "\n", "def",
    " total", "(items", "):", "\n", "    ", "return", " sum", "(i.price", " for", " i", " in",
    " items", ")", "\n", "```", "\n\n",
];

const THINKING: &[&str] = &[
    "Let", " me", " think", " about", " this", " step", " by", " step", ".", " The", " user",
    " wants", " a", " short", " answer", ",", " so", " I", " will", " write", " one", ".", "\n",
];

/// Piece `i` of the answer sequence.
pub fn answer_piece(i: usize) -> &'static str {
    piece(i, FILLER)
}

fn piece(i: usize, filler: &'static [&'static str]) -> &'static str {
    match TEMPLATE.get(i) {
        Some(p) => p,
        None => filler[(i - TEMPLATE.len()) % filler.len()],
    }
}

pub fn answer(n: usize) -> Vec<Piece> {
    (0..n).map(|i| Cow::Borrowed(answer_piece(i))).collect()
}

/// Like [`answer`], with a fenced code block after every paragraph.
pub fn answer_with_code(n: usize) -> Vec<Piece> {
    (0..n).map(|i| Cow::Borrowed(piece(i, CODE_FILLER))).collect()
}

pub fn thinking(n: usize) -> Vec<Piece> {
    (0..n)
        .map(|i| Cow::Borrowed(THINKING[i % THINKING.len()]))
        .collect()
}

/// The request body as pretty JSON, one piece per line.
pub fn echo(body: &serde_json::Value) -> Vec<Piece> {
    let text = serde_json::to_string_pretty(body).unwrap_or_else(|_| "null".into());
    text.split_inclusive('\n')
        .map(|l| Cow::Owned(l.to_string()))
        .collect()
}

/// `n` bytes of plain ASCII text.
pub fn big(n: usize) -> String {
    const UNIT: &str = "lorem ipsum dolor sit amet ";
    UNIT.repeat(n / UNIT.len() + 1)[..n].to_string()
}

/// Why the answer ended early, if it did.
#[derive(Clone, Debug, PartialEq)]
pub enum Cut {
    None,
    Length,
    StopSequence(String),
}

/// Keep at most `limit` pieces, then end before the first stop sequence in the kept text.
/// Like a real model, a stop sequence met before the limit wins over the limit.
pub fn cut(mut pieces: Vec<Piece>, limit: Option<usize>, stops: &[String]) -> (Vec<Piece>, Cut) {
    let mut why = Cut::None;
    if let Some(limit) = limit {
        if pieces.len() > limit {
            pieces.truncate(limit);
            why = Cut::Length;
        }
    }
    let Some((at, stop)) = first_stop(&pieces, stops) else {
        return (pieces, why);
    };
    let mut kept = Vec::new();
    let mut offset = 0;
    for p in pieces {
        if offset + p.len() <= at {
            offset += p.len();
            kept.push(p);
            continue;
        }
        let head = &p[..at - offset];
        if !head.is_empty() {
            kept.push(Cow::Owned(head.to_string()));
        }
        break;
    }
    (kept, Cut::StopSequence(stop))
}

/// Byte offset of the earliest stop sequence in the joined pieces, and which one it was.
fn first_stop(pieces: &[Piece], stops: &[String]) -> Option<(usize, String)> {
    let stops: Vec<&String> = stops.iter().filter(|s| !s.is_empty()).collect();
    if stops.is_empty() {
        return None;
    }
    let joined: String = pieces.concat();
    stops
        .into_iter()
        .filter_map(|s| joined.find(s.as_str()).map(|at| (at, s.clone())))
        .min_by_key(|(at, _)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_is_stable_and_has_markdown() {
        let a: String = answer(40).concat();
        assert_eq!(a, answer(40).concat());
        assert!(a.starts_with("# Mock answer\n\n"));
        assert!(a.contains("```rust\nfn main() {}\n```") && a.contains("- two\n"));
        assert_eq!(answer(1000).len(), 1000);
    }

    #[test]
    fn code_answers_have_a_code_block_after_every_paragraph() {
        let a: String = answer_with_code(TEMPLATE.len() + 3 * CODE_FILLER.len()).concat();
        assert!(a.starts_with(&TEMPLATE.concat()));
        assert_eq!(a.matches("```python\ndef total(items):\n    return sum(i.price for i in items)\n```\n\n").count(), 3);
        assert_eq!(a.matches("```").count(), 2 + 3 * 2, "fences balanced");
    }

    #[test]
    fn cut_by_limit_and_stop() {
        let (p, why) = cut(answer(40), Some(3), &[]);
        assert_eq!(
            (p.concat(), why),
            ("# Mock answer".to_string(), Cut::Length)
        );
        let (p, why) = cut(answer(40), None, &["determ".into(), "zzz".into()]);
        assert_eq!(p.concat(), "# Mock answer\n\nThis is a ");
        assert_eq!(why, Cut::StopSequence("determ".into()));
        // A stop sequence beyond the limit is never reached.
        let (_, why) = cut(answer(40), Some(2), &["answer".into()]);
        assert_eq!(why, Cut::Length);
    }

    #[test]
    fn big_has_exact_length() {
        assert_eq!(big(5).len(), 5);
        assert_eq!(big(100_000).len(), 100_000);
    }
}
