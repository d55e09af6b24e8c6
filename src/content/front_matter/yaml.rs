//! YAML front matter (between `---` lines, as Zola reads it) in, the same front matter as TOML
//! text out, with a map from every key and value of that text back to where the YAML wrote
//! it: the rest of the pipeline parses one format, and every located error still points into
//! the file the author wrote.
//!
//! Scalars follow YAML 1.2's core schema: plain `true`/`false`, numbers and `null`/`~`
//! are typed, anything quoted is text, and a date (`2024-03-01`) is text that the front
//! matter's date fields read. A key whose value is null is left out, as TOML has no null.

use std::fmt::Write as _;
use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// YAML front matter turned into TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Yaml {
    /// The TOML text, one `key = value` line per top-level key.
    pub toml: String,
    /// Spans of `toml` to the spans of the YAML that wrote them.
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl Yaml {
    /// Where the YAML wrote what `span` of the TOML text holds: the innermost key or value
    /// around its start.
    pub fn locate(&self, span: &Range<usize>) -> Range<usize> {
        self.spans
            .iter()
            .filter(|(toml, _)| {
                toml.start <= span.start && span.start < toml.end.max(toml.start + 1)
            })
            .min_by_key(|(toml, _)| toml.len())
            .map_or(0..0, |(_, yaml)| yaml.clone())
    }
}

/// A problem in the YAML itself, at a span of the YAML text.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: &'static str,
}

/// Converts the YAML text of a front matter.
pub fn to_toml(yaml: &str) -> Result<Yaml, Problem> {
    let mut tree = Tree::default();
    Parser::new_from_str(yaml)
        .load(&mut tree, false)
        .map_err(|error| {
            let at = char_boundary(yaml, error.marker().index());
            Problem {
                span: at..at,
                message: format!("YAML: {}", error.info()),
                hint: "front matter between `---` lines is YAML: `key: value`, one per line",
            }
        })?;
    let root = tree.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        span: 0..0,
    });
    let Value::Map(entries) = root.value else {
        return Err(Problem {
            span: root.span,
            message: "the front matter is not a list of `key: value` lines".into(),
            hint: "write each setting as `key: value` on a line of its own",
        });
    };
    let mut writer = Writer::default();
    for (key, value) in &entries {
        if matches!(value.value, Value::Null) {
            continue;
        }
        writer.key(key)?;
        writer.push(" = ");
        writer.value(value)?;
        writer.push("\n");
    }
    Ok(Yaml {
        toml: writer.toml,
        spans: writer.spans,
    })
}

/// A YAML node with where it was written.
#[derive(Debug, Clone)]
struct Node {
    value: Value,
    span: Range<usize>,
}

#[derive(Debug, Clone)]
enum Value {
    Null,
    Scalar(String, TScalarStyle),
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Builds the tree of nodes from the parser's events (anchors and aliases resolved).
#[derive(Default)]
struct Tree {
    /// Lists and maps being filled, innermost last, each with its anchor (0: none).
    open: Vec<(Node, usize)>,
    /// A map's key waiting for its value, per open map.
    keys: Vec<Option<Node>>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
}

impl Tree {
    fn add(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        let Some((parent, _)) = self.open.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut parent.value {
            Value::List(items) => items.push(node),
            Value::Map(entries) => {
                let waiting = self.keys.last_mut().expect("a key slot per open map");
                match waiting.take() {
                    Some(key) => entries.push((key, node)),
                    None => *waiting = Some(node),
                }
            }
            Value::Null | Value::Scalar(..) => unreachable!("only lists and maps are open"),
        }
    }

    fn close(&mut self, end: usize) {
        if let Some((mut node, anchor)) = self.open.pop() {
            if matches!(node.value, Value::Map(_)) {
                self.keys.pop();
            }
            node.span.end = end.max(node.span.start);
            self.add(node, anchor);
        }
    }
}

impl MarkedEventReceiver for Tree {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = mark.index();
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let null = style == TScalarStyle::Plain
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                let length = if style == TScalarStyle::Plain {
                    text.len()
                } else {
                    text.len() + 2
                };
                let value = if null {
                    Value::Null
                } else {
                    Value::Scalar(text, style)
                };
                self.add(
                    Node {
                        value,
                        span: at..at + length.max(1),
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::List(Vec::new())
                } else {
                    self.keys.push(None);
                    Value::Map(Vec::new())
                };
                self.open.push((
                    Node {
                        value,
                        span: at..at,
                    },
                    anchor,
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(at),
            Event::Alias(anchor) => {
                let node =
                    self.anchors
                        .iter()
                        .rev()
                        .find(|(id, _)| *id == anchor)
                        .map(|(_, node)| Node {
                            span: at..at + 1,
                            ..node.clone()
                        });
                if let Some(node) = node {
                    self.add(node, 0);
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Writes TOML, remembering where each key and value came from.
#[derive(Default)]
struct Writer {
    toml: String,
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl Writer {
    fn push(&mut self, text: &str) {
        self.toml.push_str(text);
    }

    fn key(&mut self, key: &Node) -> Result<(), Problem> {
        let Value::Scalar(name, _) = &key.value else {
            return Err(Problem {
                span: key.span.clone(),
                message: "a key must be a name".into(),
                hint: "write keys as plain names, such as `title:`",
            });
        };
        let start = self.toml.len();
        self.string(name, &key.span)?;
        self.spans.push((start..self.toml.len(), key.span.clone()));
        Ok(())
    }

    fn value(&mut self, node: &Node) -> Result<(), Problem> {
        let start = self.toml.len();
        match &node.value {
            Value::Null => {
                return Err(Problem {
                    span: node.span.clone(),
                    message: "an empty value in a list or table".into(),
                    hint: "give it a value, or leave the line out",
                });
            }
            Value::Scalar(text, style) => match typed(text, *style) {
                Some(literal) => self.push(&literal),
                None => self.string(text, &node.span)?,
            },
            Value::List(items) => {
                self.push("[");
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.push(", ");
                    }
                    self.value(item)?;
                }
                self.push("]");
            }
            Value::Map(entries) => {
                self.push("{ ");
                let mut first = true;
                for (key, value) in entries {
                    if matches!(value.value, Value::Null) {
                        continue;
                    }
                    if !first {
                        self.push(", ");
                    }
                    first = false;
                    self.key(key)?;
                    self.push(" = ");
                    self.value(value)?;
                }
                self.push(" }");
            }
        }
        self.spans.push((start..self.toml.len(), node.span.clone()));
        Ok(())
    }

    /// `text` as a TOML basic string.
    fn string(&mut self, text: &str, span: &Range<usize>) -> Result<(), Problem> {
        self.push("\"");
        for c in text.chars() {
            match c {
                '\0' => {
                    return Err(Problem {
                        span: span.clone(),
                        message: "a NUL character (U+0000) in the text".into(),
                        hint: "remove it: NUL is no text",
                    });
                }
                '"' => self.push("\\\""),
                '\\' => self.push("\\\\"),
                '\n' => self.push("\\n"),
                '\r' => self.push("\\r"),
                '\t' => self.push("\\t"),
                c if c.is_control() => {
                    let _ = write!(self.toml, "\\u{:04x}", u32::from(c));
                }
                c => self.toml.push(c),
            }
        }
        self.push("\"");
        Ok(())
    }
}

/// A plain scalar's TOML literal when YAML's core schema types it (a boolean or a number);
/// `None` for text.
fn typed(text: &str, style: TScalarStyle) -> Option<String> {
    if style != TScalarStyle::Plain {
        return None;
    }
    match text {
        "true" | "True" | "TRUE" => return Some("true".into()),
        "false" | "False" | "FALSE" => return Some("false".into()),
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Some("inf".into()),
        "-.inf" | "-.Inf" | "-.INF" => return Some("-inf".into()),
        ".nan" | ".NaN" | ".NAN" => return Some("nan".into()),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| n.to_string());
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok().map(|n| n.to_string());
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().map(|n| n.to_string());
    }
    let number_like = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if number_like
        && let Ok(float) = text.parse::<f64>()
        && float.is_finite()
    {
        return Some(format!("{float:?}"));
    }
    None
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_lists_and_maps_become_toml() {
        let yaml = "title: \"Hello: world\"\nweight: 3\ndraft: true\ndate: 2024-03-01\n\
                    nothing: ~\ntaxonomies:\n  topics: [a, \"b\"]\nextra:\n  ratio: 1.5\n  note: 'x'\n";
        let converted = to_toml(yaml).unwrap();
        let table: toml::Table = toml::from_str(&converted.toml).unwrap();
        assert_eq!(table["title"].as_str(), Some("Hello: world"));
        assert_eq!(table["weight"].as_integer(), Some(3));
        assert_eq!(table["draft"].as_bool(), Some(true));
        assert_eq!(table["date"].as_str(), Some("2024-03-01"));
        assert!(!table.contains_key("nothing"));
        assert_eq!(table["taxonomies"]["topics"][1].as_str(), Some("b"));
        assert_eq!(table["extra"]["ratio"].as_float(), Some(1.5));
        assert_eq!(table["extra"]["note"].as_str(), Some("x"));
    }

    #[test]
    fn quoted_numbers_stay_text_and_anchors_are_copied() {
        let yaml = "a: \"5\"\nb: &x [1, 2]\nc: *x\n";
        let table: toml::Table = toml::from_str(&to_toml(yaml).unwrap().toml).unwrap();
        assert_eq!(table["a"].as_str(), Some("5"));
        assert_eq!(table["c"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn every_key_and_value_maps_back_to_the_yaml() {
        let yaml = "title: Hi\nweight: heavy\n";
        let converted = to_toml(yaml).unwrap();
        let at = converted.toml.find("\"heavy\"").unwrap();
        assert_eq!(&yaml[converted.locate(&(at..at + 7))], "heavy");
        let key = converted.toml.find("\"weight\"").unwrap();
        assert_eq!(&yaml[converted.locate(&(key..key + 1))], "weight");
    }

    #[test]
    fn broken_yaml_is_located() {
        let problem = to_toml("title: [unclosed\n").unwrap_err();
        assert!(problem.message.starts_with("YAML: "), "{problem:?}");
        let problem = to_toml("- a\n- b\n").unwrap_err();
        assert!(problem.message.contains("key: value"), "{problem:?}");
    }
}
