//! JSON-LD blocks: found by MIME essence, parsed strictly first and repaired
//! only when that fails (each repair recorded), then turned into nodes with
//! `@graph` flattened and `@id` references resolved.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use scraper::ElementRef;
use serde_json::Value;

use super::graph::{Budget, Node, Val, local_name};

/// What was done to a block to make it parse; reported with the ratings.
pub type Repair = &'static str;

/// Parses every JSON-LD block of a page into root nodes.
pub fn roots(all: &[ElementRef<'_>], budget: &mut Budget) -> (Vec<Node>, Vec<Repair>) {
    let mut values = Vec::new();
    let mut repairs = Vec::new();
    for script in all.iter().filter(|e| e.value().name() == "script") {
        let essence = script
            .attr("type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if !essence.eq_ignore_ascii_case("application/ld+json") {
            continue;
        }
        let text: String = script.text().collect();
        let (parsed, used) = parse_block(&text);
        values.extend(parsed);
        repairs.extend(used);
    }
    repairs.sort_unstable();
    repairs.dedup();
    let index = index_ids(&values);
    let referenced = referenced_ids(&values);
    let mut resolver = Resolver {
        index: &index,
        built: HashMap::new(),
        building: HashSet::new(),
        budget,
    };
    let mut roots = Vec::new();
    for value in &values {
        for item in top_items(value) {
            // A node another node points to is read through that reference, with its context.
            let id = item.get("@id").and_then(Value::as_str);
            if id.is_some_and(|id| referenced.contains(id)) {
                continue;
            }
            if let Some(node) = resolver.node(item, 0) {
                roots.push(node);
            }
        }
    }
    (roots, repairs)
}

/// A repair: the fixed text, or `None` when it does not apply.
type RepairFn = fn(&str) -> Option<String>;

/// One script's JSON values: strict first, then repaired; several concatenated values are allowed.
pub fn parse_block(text: &str) -> (Vec<Value>, Vec<Repair>) {
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    if let Some(values) = parse_stream(text) {
        return (values, Vec::new());
    }
    let mut repairs = Vec::new();
    let mut current = text.to_string();
    let steps: [(Repair, RepairFn); 5] = [
        ("html-entities", decode_entities),
        ("comment-or-cdata-wrapper", strip_wrappers),
        ("trailing-semicolon", strip_trailing_semicolon),
        ("comments", strip_comments),
        ("trailing-commas", strip_trailing_commas),
    ];
    for (name, step) in steps {
        if let Some(next) = step(&current) {
            current = next;
            repairs.push(name);
            if let Some(values) = parse_stream(&current) {
                return (values, repairs);
            }
        }
    }
    if let Some(next) = escape_control_characters(&current) {
        repairs.push("control-characters");
        if let Some(values) = parse_stream(&next) {
            return (values, repairs);
        }
    }
    (Vec::new(), vec!["unparseable"])
}

fn parse_stream(text: &str) -> Option<Vec<Value>> {
    let mut values = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        values.push(value.ok()?);
    }
    Some(values)
}

/// `{&quot;@type&quot;: …}`: a block HTML-escaped twice over.
fn decode_entities(text: &str) -> Option<String> {
    if !text.contains("&quot;") || text.contains('"') {
        return None;
    }
    Some(
        text.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// `<!-- … -->`, `<![CDATA[ … ]]>` and `// <![CDATA[` lines around the JSON.
fn strip_wrappers(text: &str) -> Option<String> {
    let original = text.trim();
    let mut s = original;
    loop {
        let before = s;
        for prefix in ["<!--", "<![CDATA[", "//"] {
            s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
        }
        // JSON never starts or ends with these, so peeling them off cannot cut data.
        for suffix in ["-->", "]]>", "]]&gt;", "//"] {
            s = s.strip_suffix(suffix).unwrap_or(s).trim_end();
        }
        if s == before {
            break;
        }
    }
    (s.len() != original.len()).then(|| s.to_string())
}

fn strip_trailing_semicolon(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    trimmed.strip_suffix(';').map(str::to_string)
}

/// Walks JSON text outside strings; `edit` decides what each byte becomes.
fn outside_strings(text: &str, mut edit: impl FnMut(&str, usize) -> Option<usize>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut in_string, mut escaped) = (0, false, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if let Some(skip_to) = edit(text, i) {
            i = skip_to;
            continue;
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

fn strip_comments(text: &str) -> Option<String> {
    let out = outside_strings(text, |t, i| {
        let rest = &t[i..];
        if rest.starts_with("//") {
            Some(i + rest.find('\n').unwrap_or(rest.len()))
        } else if rest.starts_with("/*") {
            Some(i + rest.find("*/").map_or(rest.len(), |e| e + 2))
        } else {
            None
        }
    });
    (out != text).then_some(out)
}

fn strip_trailing_commas(text: &str) -> Option<String> {
    let out = outside_strings(text, |t, i| {
        // `,` is one byte, so the text after it starts on a character boundary.
        let after = t[i..].strip_prefix(',')?;
        matches!(after.trim_start().chars().next(), Some('}' | ']')).then_some(i + 1)
    });
    (out != text).then_some(out)
}

/// Raw newlines and tabs inside strings (serde_json refuses them; browsers' JSON.parse too,
/// but publishers ship them).
fn escape_control_characters(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    for c in text.chars() {
        if in_string && !escaped && (c as u32) < 0x20 {
            out.push_str(&format!("\\u{:04x}", c as u32));
            changed = true;
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// Objects of the top level, `@graph` members and array items.
fn top_items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().flat_map(top_items).collect(),
        Value::Object(map) => match map.get("@graph") {
            Some(graph) => {
                let mut items = top_items(graph);
                // A wrapper with its own type is a node too.
                if map.contains_key("@type") {
                    items.push(value);
                }
                items
            }
            None => vec![value],
        },
        _ => Vec::new(),
    }
}

/// Every object with an `@id` and something more to say, for resolving references.
fn index_ids(values: &[Value]) -> HashMap<String, &Value> {
    fn walk<'a>(value: &'a Value, index: &mut HashMap<String, &'a Value>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(id)), true) = (map.get("@id"), map.len() > 1) {
                    index.entry(id.clone()).or_insert(value);
                }
                map.values().for_each(|v| walk(v, index));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, index)),
            _ => {}
        }
    }
    let mut index = HashMap::new();
    values.iter().for_each(|v| walk(v, &mut index));
    index
}

/// Ids used as bare references (`{"@id": "#rating"}`).
fn referenced_ids(values: &[Value]) -> HashSet<String> {
    fn walk(value: &Value, out: &mut HashSet<String>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(id)), 1) = (map.get("@id"), map.len()) {
                    out.insert(id.clone());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashSet::new();
    values.iter().for_each(|v| walk(v, &mut out));
    out
}

const MAX_DEPTH: usize = 32;

/// Turns JSON objects into nodes. A node referenced by `@id` is built once
/// and shared by every reference, so a graph whose nodes point at each other
/// many times over costs its size, not the number of paths through it; a
/// reference back into a node still being built (a cycle) is left out.
struct Resolver<'v, 'b> {
    index: &'v HashMap<String, &'v Value>,
    built: HashMap<*const Value, Rc<Node>>,
    building: HashSet<*const Value>,
    budget: &'b mut Budget,
}

impl Resolver<'_, '_> {
    fn node(&mut self, value: &Value, depth: usize) -> Option<Node> {
        let Value::Object(map) = value else {
            return None;
        };
        if depth > MAX_DEPTH || !self.budget.spend(1 + map.len()) {
            return None;
        }
        let mut node = Node::default();
        for (key, value) in map {
            match key.as_str() {
                "@type" => node.types = type_names(value),
                "@context" | "@graph" => {}
                "@id" => {
                    if let Value::String(id) = value {
                        node.props.push(("@id".into(), Val::Text(id.clone())));
                    }
                }
                _ => self.push_values(&mut node, &local_name(key), value, depth),
            }
        }
        Some(node)
    }

    /// The node a value stands for: itself, or the one a bare `{"@id": …}` names.
    fn child(&mut self, value: &Value, depth: usize) -> Option<Rc<Node>> {
        let Value::Object(map) = value else {
            return None;
        };
        let Some(Value::String(id)) = map.get("@id").filter(|_| map.len() == 1) else {
            return self.node(value, depth + 1).map(Rc::new);
        };
        let target: &Value = self.index.get(id)?;
        let key = std::ptr::from_ref(target);
        if let Some(shared) = self.built.get(&key) {
            return Some(Rc::clone(shared));
        }
        if !self.building.insert(key) {
            return None;
        }
        let built = self.node(target, depth + 1).map(Rc::new);
        self.building.remove(&key);
        if let Some(node) = &built {
            self.built.insert(key, Rc::clone(node));
        }
        built
    }

    fn push_values(&mut self, node: &mut Node, name: &str, value: &Value, depth: usize) {
        match value {
            Value::String(s) => node.props.push((name.into(), Val::Text(s.clone()))),
            Value::Number(n) => node
                .props
                .push((name.into(), Val::Number(n.as_f64().unwrap_or(f64::NAN)))),
            Value::Array(items) => {
                for item in items {
                    self.push_values(node, name, item, depth);
                }
            }
            Value::Object(_) => {
                if let Some(child) = self.child(value, depth) {
                    node.props.push((name.into(), Val::Node(child)));
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
}

fn type_names(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![local_name(s)],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(local_name)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_block;

    #[test]
    fn broken_json_is_repaired_and_the_repair_named() {
        // (block, repairs expected)
        let table: [(&str, &[&str]); 7] = [
            (r#"{"a": 1}"#, &[]),
            (
                "// <![CDATA[\n{\"a\": 1}\n// ]]&gt;",
                &["comment-or-cdata-wrapper"],
            ),
            ("<!--\n{\"a\": 1}\n-->", &["comment-or-cdata-wrapper"]),
            (r#"{"a": 1};"#, &["trailing-semicolon"]),
            (
                "{\"a\": 1, // one\n \"b\": [2, 3,],}",
                &["comments", "trailing-commas"],
            ),
            ("{\"a\": \"line\nbreak\"}", &["control-characters"]),
            ("{&quot;a&quot;: 1}", &["html-entities"]),
        ];
        for (block, expected) in table {
            let (values, repairs) = parse_block(block);
            assert_eq!(values.len(), 1, "{block:?} → {values:?}");
            assert_eq!(
                values[0]["a"]
                    .as_i64()
                    .or(values[0]["a"].as_str().map(|_| 1)),
                Some(1),
                "{block:?}"
            );
            assert_eq!(repairs, expected, "{block:?}");
        }
    }

    #[test]
    fn concatenated_values_and_nulls() {
        let (values, repairs) = parse_block("{\"a\":1}\n{\"b\":2}");
        assert_eq!((values.len(), repairs.len()), (2, 0));
        let (values, _) = parse_block("null");
        assert_eq!(values, vec![serde_json::Value::Null]);
        assert_eq!(parse_block("{not json").1, vec!["unparseable"]);
    }
}
