//! Zola's shortcodes in a Markdown body: `{{ name(arg=value) }}` and
//! `{% name(arg=value) %}body{% end %}` in, the body with each call's output in its place out.
//!
//! The calls are found in the text before it is parsed as Markdown, as Zola finds them, but
//! not inside code spans and code blocks (which show code, calls included). The escapes
//! `{{/* name() */}}` and `{%/* name() */%}` become the call as written, anywhere: Zola's
//! documentation shows calls that way in its code blocks. A Markdown shortcode's output
//! becomes part of the text; an HTML one's stands in as a placeholder, which the renderer
//! turns into the HTML, so that Markdown does not touch it. What renders a call is the
//! caller's ([`Shortcodes`]): this module knows no templates.

use std::ops::Range;

/// Renders shortcode calls; the templates implement it.
pub trait Shortcodes {
    /// The output of `call`, or why there is none (a message and a hint).
    fn render(&mut self, call: &Call) -> Result<Expansion, (String, String)>;
}

/// One call of a shortcode.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    /// The text between `{% name() %}` and `{% end %}`, trimmed, its own calls expanded.
    pub body: Option<String>,
    /// How many calls of this shortcode the body has made so far, this one included.
    pub nth: usize,
}

/// An argument's value, as Zola allows them.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Arg>),
}

/// What a call renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub text: String,
    /// Markdown, rendered with the page, rather than HTML, inserted as it is.
    pub markdown: bool,
}

/// A body with its calls expanded.
#[derive(Debug, Default)]
pub(super) struct Expanded {
    pub text: String,
    /// The HTML of the calls whose placeholders are in `text`, by number.
    pub html: Vec<String>,
    /// What was replaced, to find a place of `text` in the body.
    replaced: Vec<Replacement>,
}

#[derive(Debug, Clone)]
struct Replacement {
    expanded: Range<usize>,
    written: Range<usize>,
}

/// A problem with a call: what, where in the body, and a hint.
#[derive(Debug)]
pub(super) struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// Opens and closes the placeholder of an HTML output: characters of Unicode's private use
/// area, which Markdown leaves alone and text does not hold.
const PLACEHOLDER_OPEN: char = '\u{f8fe}';
const PLACEHOLDER_CLOSE: char = '\u{f8ff}';

/// Whether `body` may hold a call or an escape; a body without `{{` or `{%` costs one scan.
pub fn may_have_calls(body: &str) -> bool {
    find_open(body, 0, body.len()).is_some()
}

/// Expands the calls of `body`, outside the ranges of `code`.
pub(super) fn expand(
    body: &str,
    code: &[Range<usize>],
    shortcodes: &mut dyn Shortcodes,
) -> Result<Expanded, Vec<Problem>> {
    let mut expander = Expander {
        body,
        code,
        shortcodes,
        counts: Vec::new(),
        problems: Vec::new(),
    };
    let mut expanded = Expanded::default();
    expander.expand(0..body.len(), &mut expanded, true);
    if expander.problems.is_empty() {
        Ok(expanded)
    } else {
        Err(expander.problems)
    }
}

impl Expanded {
    /// The place in the body of `range` of the expanded text: an output stands for its call.
    pub fn written(&self, range: &Range<usize>) -> Range<usize> {
        self.written_at(range.start)..self.written_at(range.end).max(self.written_at(range.start))
    }

    fn written_at(&self, at: usize) -> usize {
        let before = self
            .replaced
            .partition_point(|replacement| replacement.expanded.start <= at);
        match before.checked_sub(1).map(|index| &self.replaced[index]) {
            None => at,
            Some(last) if at < last.expanded.end => last.written.start,
            Some(last) => last.written.end + (at - last.expanded.end),
        }
    }

    /// The HTML of the placeholder `text` is, when it is exactly one.
    pub fn placeholder(&self, text: &str) -> Option<&str> {
        let number = text
            .strip_prefix(PLACEHOLDER_OPEN)?
            .strip_suffix(PLACEHOLDER_CLOSE)?;
        self.html
            .get(number.parse::<usize>().ok()?)
            .map(String::as_str)
    }

    /// `text` with its placeholders replaced: by `escape(text)` between them, and the HTML.
    pub fn fill(&self, text: &str, escape: impl Fn(&str) -> String) -> Option<String> {
        if !text.contains(PLACEHOLDER_OPEN) {
            return None;
        }
        let mut filled = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
            let after = &rest[open + PLACEHOLDER_OPEN.len_utf8()..];
            let Some(close) = after.find(PLACEHOLDER_CLOSE) else {
                break;
            };
            let Some(html) = after[..close]
                .parse::<usize>()
                .ok()
                .and_then(|number| self.html.get(number))
            else {
                break;
            };
            filled.push_str(&escape(&rest[..open]));
            filled.push_str(html);
            rest = &after[close + PLACEHOLDER_CLOSE.len_utf8()..];
        }
        filled.push_str(&escape(rest));
        Some(filled)
    }
}

struct Expander<'a> {
    body: &'a str,
    code: &'a [Range<usize>],
    shortcodes: &'a mut dyn Shortcodes,
    /// Calls so far per shortcode name, for `nth`.
    counts: Vec<(String, usize)>,
    problems: Vec<Problem>,
}

/// What starts at a `{{` or `{%`.
enum Token {
    /// `{{/* ... */}}` or `{%/* ... */%}`: its length and the text it stands for.
    Escape(usize, String),
    /// A call: its name, arguments, whether it opens a body, and its length.
    Call {
        name: String,
        args: Vec<(String, Arg)>,
        opens_body: bool,
        len: usize,
    },
    /// `{% end %}`, of this length.
    End(usize),
    /// Not a call (`{{ page.title }}` in prose): left as written.
    Text,
}

impl Expander<'_> {
    /// Expands `range` of the body into `out`; HTML outputs become placeholders at the top
    /// level, and text inside a body (which its shortcode receives as text).
    fn expand(&mut self, range: Range<usize>, out: &mut Expanded, top: bool) {
        let body = self.body;
        let mut copied = range.start;
        let mut at = range.start;
        while let Some(found) = find_open(body, at, range.end) {
            at = found + 2;
            let token = match parse_token(body, found, range.end) {
                Ok(token) => token,
                Err(problem) => {
                    if !self.in_code(found) {
                        self.problems.push(problem);
                    }
                    continue;
                }
            };
            let (len, text) = match token {
                Token::Text => continue,
                Token::Escape(len, text) => (len, text),
                _ if self.in_code(found) => continue,
                Token::End(len) => {
                    self.problems.push(Problem {
                        span: found..found + len,
                        message: "`{% end %}` closes no shortcode".to_string(),
                        hint: "a shortcode with a body opens with `{% name() %}` before it"
                            .to_string(),
                    });
                    continue;
                }
                Token::Call {
                    name,
                    args,
                    opens_body,
                    len,
                } => {
                    let nth = self.count(&name);
                    let (call_body, len) = if opens_body {
                        match self.body_of(found, found + len, range.end, &name) {
                            Some((inner, end)) => {
                                let mut expanded = Expanded::default();
                                self.expand(inner, &mut expanded, false);
                                (Some(expanded.text.trim().to_string()), end - found)
                            }
                            None => continue,
                        }
                    } else {
                        (None, len)
                    };
                    let call = Call {
                        name,
                        args,
                        body: call_body,
                        nth,
                    };
                    match self.shortcodes.render(&call) {
                        Ok(expansion) => {
                            let text = expansion.text.replace("\r\n", "\n");
                            if expansion.markdown || !top {
                                (len, text)
                            } else {
                                out.html.push(text);
                                let number = out.html.len() - 1;
                                (
                                    len,
                                    format!("{PLACEHOLDER_OPEN}{number}{PLACEHOLDER_CLOSE}"),
                                )
                            }
                        }
                        Err((message, hint)) => {
                            let span = found..found + len;
                            self.problems.push(Problem {
                                span,
                                message,
                                hint,
                            });
                            (len, String::new())
                        }
                    }
                }
            };
            out.text.push_str(&body[copied..found]);
            let start = out.text.len();
            out.text.push_str(&text);
            out.replaced.push(Replacement {
                expanded: start..out.text.len(),
                written: found..found + len,
            });
            copied = found + len;
            at = copied;
        }
        out.text.push_str(&body[copied..range.end]);
    }

    fn in_code(&self, at: usize) -> bool {
        let index = self.code.partition_point(|range| range.end <= at);
        self.code
            .get(index)
            .is_some_and(|range| range.contains(&at))
    }

    fn count(&mut self, name: &str) -> usize {
        if let Some((_, count)) = self.counts.iter_mut().find(|(seen, _)| seen == name) {
            *count += 1;
            return *count;
        }
        self.counts.push((name.to_string(), 1));
        1
    }

    /// The body of the call opened at `open` (ending at `from`), and the end of its
    /// `{% end %}`; `None` after recording that nothing closes it.
    fn body_of(
        &mut self,
        open: usize,
        from: usize,
        until: usize,
        name: &str,
    ) -> Option<(Range<usize>, usize)> {
        let mut depth = 0;
        let mut at = from;
        while let Some(found) = find_open(self.body, at, until) {
            at = found + 2;
            if self.in_code(found) {
                continue;
            }
            match parse_token(self.body, found, until) {
                Ok(Token::Call {
                    opens_body: true, ..
                }) => depth += 1,
                Ok(Token::End(len)) if depth == 0 => return Some((from..found, found + len)),
                Ok(Token::End(_)) => depth -= 1,
                Ok(Token::Escape(len, _)) => at = found + len,
                _ => {}
            }
        }
        self.problems.push(Problem {
            span: open..from,
            message: format!("no `{{% end %}}` closes the body of `{name}`"),
            hint: "end a shortcode's body with `{% end %}`; a shortcode without a body is \
                   written `{{ name() }}`"
                .to_string(),
        });
        None
    }
}

/// The next `{{` or `{%` in `body[from..until]`.
fn find_open(body: &str, from: usize, until: usize) -> Option<usize> {
    let bytes = &body.as_bytes()[..until];
    let mut at = from;
    // `find` of one ASCII character is a vectorised search.
    while let Some(found) = body[..until].get(at..)?.find('{') {
        let found = at + found;
        if matches!(bytes.get(found + 1), Some(b'{' | b'%')) {
            return Some(found);
        }
        at = found + 1;
    }
    None
}

/// Reads the token at `start` (a `{{` or `{%`) of `body[..until]`.
fn parse_token(body: &str, start: usize, until: usize) -> Result<Token, Problem> {
    let text = &body[..until];
    let percent = text.as_bytes()[start + 1] == b'%';
    let (close, escape_close) = if percent {
        ("%}", "*/%}")
    } else {
        ("}}", "*/}}")
    };
    let open = &text[start..start + 2];
    if text[start + 2..].starts_with("/*") {
        let Some(end) = text[start + 4..].find(escape_close) else {
            return Ok(Token::Text);
        };
        let inner = &text[start + 4..start + 4 + end];
        let len = 4 + end + escape_close.len();
        return Ok(Token::Escape(len, format!("{open}{inner}{close}")));
    }
    let mut reader = Reader {
        text,
        at: start + 2,
    };
    reader.skip_space();
    let Some(name) = reader.ident() else {
        return Ok(Token::Text);
    };
    reader.skip_space();
    if percent && name == "end" && reader.eat(close) {
        return Ok(Token::End(reader.at - start));
    }
    if !reader.eat("(") {
        return Ok(Token::Text);
    }
    // `name(` after `{{` or `{%`: a call, which must be well written from here on.
    let mut args = Vec::new();
    loop {
        reader.skip_space();
        if reader.eat(")") {
            break;
        }
        if !args.is_empty() {
            if !reader.eat(",") {
                return Err(reader.problem(
                    "expected `,` or `)` after an argument",
                    "separate arguments with commas: `name(a=1, b=\"text\")`",
                ));
            }
            reader.skip_space();
            if reader.eat(")") {
                break;
            }
        }
        let Some(arg) = reader.ident() else {
            return Err(reader.problem(
                "expected an argument's name",
                "arguments are named: `name(id=\"abc\")`; names are letters, digits and `_`",
            ));
        };
        reader.skip_space();
        if !reader.eat("=") {
            return Err(reader.problem(
                &format!("expected `=` after argument `{arg}`"),
                "every argument has a value: `name(id=\"abc\")`",
            ));
        }
        reader.skip_space();
        let value = reader.value()?;
        args.push((arg.to_string(), value));
    }
    reader.skip_space();
    if !reader.eat(close) {
        return Err(reader.problem(
            &format!("expected `{close}` to close the call of `{name}`"),
            &format!("write `{open} {name}(...) {close}`"),
        ));
    }
    Ok(Token::Call {
        name: name.to_string(),
        args,
        opens_body: percent,
        len: reader.at - start,
    })
}

/// Reads a call's parts from `text` at `at`.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    /// A name: a letter or `_`, then letters, digits and `_`.
    fn ident(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.at += len;
        Some(&rest[..len])
    }

    fn value(&mut self) -> Result<Arg, Problem> {
        let rest = self.rest();
        if let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        {
            let Some(len) = rest[1..].find(quote) else {
                return Err(self.problem(
                    &format!("this text has no closing {quote}"),
                    "close the text with the quote it opens with",
                ));
            };
            self.at += len + 2;
            return Ok(Arg::Text(rest[1..=len].to_string()));
        }
        if self.eat("[") {
            let mut items = Vec::new();
            loop {
                self.skip_space();
                if self.eat("]") {
                    return Ok(Arg::Array(items));
                }
                if !items.is_empty() {
                    if !self.eat(",") {
                        return Err(self.problem(
                            "expected `,` or `]` in an array",
                            "write arrays as `[1, 2, 3]`",
                        ));
                    }
                    self.skip_space();
                    if self.eat("]") {
                        return Ok(Arg::Array(items));
                    }
                }
                items.push(self.value()?);
            }
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '+')))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = match word {
            "true" => Some(Arg::Bool(true)),
            "false" => Some(Arg::Bool(false)),
            _ if word.contains('.') => word.parse().ok().map(Arg::Float),
            _ => word.parse().ok().map(Arg::Integer),
        };
        match value {
            Some(value) if !word.is_empty() => {
                self.at += len;
                Ok(value)
            }
            _ => Err(self.problem(
                "expected a value: text in quotes, a number, `true`, `false` or an array",
                "a shortcode's arguments are values, not variables: write `id=\"abc\"`, \
                 `n=3`, `ok=true` or `ids=[1, 2]`",
            )),
        }
    }

    /// A problem at the reader's place.
    fn problem(&self, message: &str, hint: &str) -> Problem {
        let end = self.text[self.at..]
            .chars()
            .next()
            .map_or(self.at, |c| self.at + c.len_utf8());
        Problem {
            span: self.at..end.max(self.at),
            message: message.to_string(),
            hint: hint.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders every call as `name:args:nth:body`, HTML unless the name ends in `_md`.
    struct Echo;

    impl Shortcodes for Echo {
        fn render(&mut self, call: &Call) -> Result<Expansion, (String, String)> {
            if call.name == "missing" {
                return Err(("unknown".to_string(), "hint".to_string()));
            }
            Ok(Expansion {
                text: format!(
                    "<{}:{:?}:{}:{}>",
                    call.name,
                    call.args,
                    call.nth,
                    call.body.as_deref().unwrap_or("-")
                ),
                markdown: call.name.ends_with("_md"),
            })
        }
    }

    fn expand_text(body: &str, code: &[Range<usize>]) -> String {
        let expanded = expand(body, code, &mut Echo).unwrap_or_else(|_| panic!("{body}"));
        expanded
            .fill(&expanded.text, str::to_string)
            .unwrap_or(expanded.text)
    }

    #[test]
    fn calls_with_and_without_bodies_are_expanded_and_counted() {
        assert_eq!(
            expand_text("a {{ x(id=\"v\", n=-3, f=1.5, ok=true) }} b", &[]),
            "a <x:[(\"id\", Text(\"v\")), (\"n\", Integer(-3)), (\"f\", Float(1.5)), (\"ok\", Bool(true))]:1:-> b"
        );
        assert_eq!(
            expand_text("{% q_md() %}\nhi {{ x() }}\n{% end %} {{x()}}", &[]),
            "<q_md:[]:1:hi <x:[]:1:->> <x:[]:2:->"
        );
        assert_eq!(
            expand_text("{{ a(l=['x', `y`, 2,]) }}", &[]),
            "<a:[(\"l\", Array([Text(\"x\"), Text(\"y\"), Integer(2)]))]:1:->"
        );
    }

    #[test]
    fn escapes_print_the_call_and_code_is_left_alone() {
        assert_eq!(
            expand_text("{{/* gallery() */}} {%/* q() */%}x{%/* end */%}", &[]),
            "{{ gallery() }} {% q() %}x{% end %}"
        );
        let body = "`{{ x() }}` {{ x() }}";
        let code = [0..11, 99..99];
        assert_eq!(expand_text(body, &code), "`{{ x() }}` <x:[]:1:->");
        // Not calls: left as written.
        assert_eq!(
            expand_text("{{ page.title }} {%raw%}", &[]),
            "{{ page.title }} {%raw%}"
        );
    }

    #[test]
    fn problems_point_at_the_call() {
        let problems = |body: &str| match expand(body, &[], &mut Echo) {
            Ok(_) => panic!("{body} expanded"),
            Err(problems) => problems,
        };
        let found = problems("ab {{ missing() }}");
        assert_eq!(found[0].span, 3..18);
        let found = problems("{{ x(id=abc) }}");
        assert_eq!(found[0].span, 8..9);
        let found = problems("{% q() %} no end");
        assert!(found[0].message.contains("end"), "{}", found[0].message);
        let found = problems("{% end %}");
        assert_eq!(found[0].span, 0..9);
    }

    #[test]
    fn places_of_the_expanded_text_are_found_in_the_body() {
        let expanded = expand("ab {{ x() }} cd", &[], &mut Echo).unwrap();
        let at = expanded.text.find("cd").unwrap();
        assert_eq!(expanded.written(&(at..at + 2)), 13..15);
        assert_eq!(expanded.written(&(0..2)), 0..2);
    }
}
