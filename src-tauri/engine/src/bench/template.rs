//! `{{variable}}` placeholders. A name is letters, digits, `_`, `-` and `.`, starting with a
//! letter, digit or `_`, with optional spaces inside the braces: `{{city}}`, `{{ city }}`. Anything
//! else between double braces (`{{ }}`, `{{#each}}`, JSON) is left as it is. The UI has the same rule in
//! `ui/src/lib/library/variables.ts`: change both together.

use std::collections::BTreeMap;

use super::BenchError;

/// One `{{name}}` found in a text: its byte range and the trimmed name.
struct Placeholder<'a> {
    start: usize,
    end: usize,
    name: &'a str,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let inner_start = open + 2;
        let Some(close) = text[inner_start..].find("}}").map(|i| inner_start + i) else {
            break;
        };
        let name = text[inner_start..close].trim();
        if is_name(name) {
            out.push(Placeholder {
                start: open,
                end: close + 2,
                name,
            });
            from = close + 2;
        } else {
            // Not a placeholder: look again from the next brace (`{{{x}}` holds `{{x}}`).
            from = open + 1;
        }
    }
    out
}

/// The variable names used in `text`, each once, in order of first use.
pub fn variables(text: &str) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for p in placeholders(text) {
        if !seen.iter().any(|s| s == p.name) {
            seen.push(p.name.to_string());
        }
    }
    seen
}

/// `text` with every placeholder replaced by its value. `values` is row `row` of the prompt set
/// (1-based; 0 without one): the [`BenchError::UnknownVariable`] for the first variable `values`
/// does not have names both.
pub fn render(
    text: &str,
    values: &BTreeMap<String, String>,
    row: usize,
) -> Result<String, BenchError> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for p in placeholders(text) {
        let value = values
            .get(p.name)
            .ok_or_else(|| BenchError::UnknownVariable {
                name: p.name.to_string(),
                row,
            })?;
        out.push_str(&text[last..p.start]);
        out.push_str(value);
        last = p.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn substitutes_with_and_without_spaces() {
        let v = vals(&[("city", "Lyon"), ("n", "3")]);
        assert_eq!(
            render("Name {{n}} sights in {{ city }}, {{city}}!", &v, 0).unwrap(),
            "Name 3 sights in Lyon, Lyon!"
        );
        assert_eq!(variables("{{ city }} {{n}} {{city}}"), ["city", "n"]);
    }

    #[test]
    fn values_are_not_expanded_again() {
        let v = vals(&[("a", "{{b}}"), ("b", "no")]);
        assert_eq!(render("{{a}}", &v, 0).unwrap(), "{{b}}");
    }

    #[test]
    fn an_unknown_variable_is_named_with_its_row() {
        let e = render("hi {{who}} and {{ other }}", &vals(&[("who", "x")]), 3).unwrap_err();
        assert_eq!(
            e,
            BenchError::UnknownVariable {
                name: "other".into(),
                row: 3
            }
        );
        assert!(
            e.to_string().starts_with("input row 3 has no `other`"),
            "{e}"
        );
    }

    #[test]
    fn other_double_braces_are_left_alone() {
        let text = "{{ }} {{#each items}} {\"a\": {\"b\": 1}} {{{x}}} {{";
        assert_eq!(variables(text), ["x"]);
        assert_eq!(
            render(text, &vals(&[("x", "X")]), 0).unwrap(),
            "{{ }} {{#each items}} {\"a\": {\"b\": 1}} {X} {{"
        );
        assert!(variables("no placeholders").is_empty());
        assert_eq!(variables("{{été}} {{a.b-c_d}}"), ["été", "a.b-c_d"]);
    }

    // The same names as `ui/src/lib/library/variables.test.ts`: the UI's rule must agree on every one.
    #[test]
    fn names_the_ui_accepts_too() {
        assert_eq!(variables("{{1st}} {{ 2nd }} {{42}}"), ["1st", "2nd", "42"]);
        assert_eq!(variables("{{-abc}} {{.x}} {{a b}}"), Vec::<String>::new());
        // A Devanagari vowel sign is alphabetic though not a letter (Unicode `L`).
        assert_eq!(variables("{{हिंदी}}"), ["हिंदी"]);
        // U+3000 and U+00A0 are white space to `trim`; U+FEFF is not.
        assert_eq!(variables("{{\u{3000}x\u{a0}}} {{\u{feff}y}}"), ["x"]);
        assert_eq!(variables("{{{x}}} {{ {{y}}"), ["x", "y"]);
    }
}
