//! JSON-LD blocks: found by MIME essence, parsed strictly first and repaired
//! only when that fails (each repair recorded), then turned into nodes with
//! `@graph` flattened and `@id` references resolved.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::graph::{Budget, Name, Node, Val, local_name, name as graph_name};

/// What was done to a block to make it parse; reported with the ratings.
pub type Repair = &'static str;

/// JSON as far as ratings need it. Every object and array is kept for the graph's shape,
/// but a string is kept only under a property the rating walk reads: a review's body,
/// headline or description is never copied (a Trustpilot page is mostly those).
#[derive(Debug, PartialEq)]
pub enum J {
    Null,
    Number(f64),
    Text(Rc<str>),
    Array(Vec<J>),
    /// Entries kept, and how many were left out (an object with only an `@id` kept is a
    /// reference only when nothing was left out). Boxed: every value of a large graph is
    /// then as small as a text.
    Object(Box<Object>),
    /// A boolean, or a string nobody reads.
    Other,
}

/// Properties whose text values the rating walk reads (local names, any case).
const TEXT_KEPT: &[&str] = &[
    "@id",
    "@type",
    "ratingValue",
    "bestRating",
    "worstRating",
    "ratingCount",
    "reviewCount",
    "name",
    "url",
    "datePublished",
    "average",
    "best",
    "worst",
    "votes",
    "count",
    "value",
    "rating",
    "itemReviewed",
    "fn",
];

/// An object's entries kept, and how many were left out.
#[derive(Debug, PartialEq)]
pub struct Object {
    entries: Box<[(Name, J)]>,
    left_out: usize,
}

impl J {
    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Object(object) => object
                .entries
                .iter()
                .find(|(k, _)| &**k == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            J::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Number of properties the object had, read or not.
    fn len(&self) -> usize {
        match self {
            J::Object(object) => object.entries.len() + object.left_out,
            _ => 0,
        }
    }

    /// The value as kept under `key`, or `None` when nothing in it is read: texts (and
    /// lists of texts) of a property the rating walk ignores.
    fn kept_under(key: &str, value: J) -> Option<J> {
        let local = local_name(key);
        if TEXT_KEPT.iter().any(|k| k.eq_ignore_ascii_case(&local)) {
            return Some(value);
        }
        match value {
            J::Text(_) | J::Other => None,
            J::Array(items) => {
                let kept: Vec<J> = items
                    .into_iter()
                    .filter(|item| !matches!(item, J::Text(_) | J::Other))
                    .collect();
                (!kept.is_empty()).then_some(J::Array(kept))
            }
            other => Some(other),
        }
    }
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JVisitor;
        impl<'de> Visitor<'de> for JVisitor {
            type Value = J;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<J, E> {
                Ok(J::Other)
            }
            #[expect(clippy::cast_precision_loss, reason = "ratings and counts fit an f64")]
            fn visit_i64<E>(self, v: i64) -> Result<J, E> {
                Ok(J::Number(v as f64))
            }
            #[expect(clippy::cast_precision_loss, reason = "ratings and counts fit an f64")]
            fn visit_u64<E>(self, v: u64) -> Result<J, E> {
                Ok(J::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<J, E> {
                Ok(J::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<J, E> {
                Ok(J::Text(v.into()))
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_none<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<J>()? {
                    items.push(item);
                }
                Ok(J::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let (mut entries, mut left_out) = (Vec::new(), 0);
                while let Some(name) = map.next_key::<String>()? {
                    let value = map.next_value::<J>()?;
                    // Contexts can be large and say nothing about ratings.
                    let kept = (name != "@context")
                        .then(|| J::kept_under(&name, value))
                        .flatten();
                    match kept {
                        Some(value) => entries.push((graph_name(&name), value)),
                        None => left_out += 1,
                    }
                }
                Ok(J::Object(Box::new(Object {
                    entries: entries.into_boxed_slice(),
                    left_out,
                })))
            }
        }
        deserializer.deserialize_any(JVisitor)
    }
}

/// Parses a page's JSON-LD blocks (lifted out of the page by `html::parse_lifting_json_ld`)
/// into root nodes.
pub fn roots(blocks: &[&str], budget: &mut Budget) -> (Vec<Node>, Vec<Repair>) {
    let mut values = Vec::new();
    let mut repairs = Vec::new();
    for block in blocks {
        let (parsed, used) = parse_block(block);
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
            let id = item.get("@id").and_then(J::as_str);
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
pub fn parse_block(text: &str) -> (Vec<J>, Vec<Repair>) {
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

fn parse_stream(text: &str) -> Option<Vec<J>> {
    let mut values = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<J>() {
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
fn top_items(value: &J) -> Vec<&J> {
    match value {
        J::Array(items) => items.iter().flat_map(top_items).collect(),
        J::Object(..) => match value.get("@graph") {
            Some(graph) => {
                let mut items = top_items(graph);
                // A wrapper with its own type is a node too.
                if value.get("@type").is_some() {
                    items.push(value);
                }
                items
            }
            None => vec![value],
        },
        _ => Vec::new(),
    }
}

/// Calls `visit` on every object, depth first (serde_json caps nesting at 128).
fn each_object<'a>(value: &'a J, visit: &mut impl FnMut(&'a J)) {
    match value {
        J::Object(object) => {
            visit(value);
            object
                .entries
                .iter()
                .for_each(|(_, v)| each_object(v, visit));
        }
        J::Array(items) => items.iter().for_each(|v| each_object(v, visit)),
        _ => {}
    }
}

/// Every object with an `@id` and something more to say, for resolving references.
fn index_ids(values: &[J]) -> HashMap<&str, &J> {
    let mut index = HashMap::new();
    for value in values {
        each_object(value, &mut |object| {
            if let (Some(id), true) = (object.get("@id").and_then(J::as_str), object.len() > 1) {
                index.entry(id).or_insert(object);
            }
        });
    }
    index
}

/// Ids used as bare references (`{"@id": "#rating"}`).
fn referenced_ids(values: &[J]) -> HashSet<&str> {
    let mut out = HashSet::new();
    for value in values {
        each_object(value, &mut |object| {
            if let (Some(id), 1) = (object.get("@id").and_then(J::as_str), object.len()) {
                out.insert(id);
            }
        });
    }
    out
}

const MAX_DEPTH: usize = 32;

/// Turns JSON objects into nodes. A node referenced by `@id` is built once
/// and shared by every reference, so a graph whose nodes point at each other
/// many times over costs its size, not the number of paths through it; a
/// reference back into a node still being built (a cycle) is left out.
struct Resolver<'v, 'b> {
    index: &'v HashMap<&'v str, &'v J>,
    built: HashMap<*const J, Rc<Node>>,
    building: HashSet<*const J>,
    budget: &'b mut Budget,
}

impl Resolver<'_, '_> {
    fn node(&mut self, value: &J, depth: usize) -> Option<Node> {
        let J::Object(object) = value else {
            return None;
        };
        let map = &object.entries;
        if depth > MAX_DEPTH || !self.budget.spend(1 + map.len()) {
            return None;
        }
        let mut node = Node::default();
        for (key, value) in map {
            match &**key {
                "@type" => node.types = type_names(value),
                "@context" | "@graph" => {}
                "@id" => {
                    if let J::Text(id) = value {
                        node.props.push(("@id".into(), Val::Text(Rc::clone(id))));
                    }
                }
                _ => self.push_values(&mut node, &graph_name(&local_name(key)), value, depth),
            }
        }
        Some(node)
    }

    /// The node a value stands for: itself, or the one a bare `{"@id": …}` names.
    fn child(&mut self, value: &J, depth: usize) -> Option<Rc<Node>> {
        if !matches!(value, J::Object(..)) {
            return None;
        }
        let Some(J::Text(id)) = value.get("@id").filter(|_| value.len() == 1) else {
            return self.node(value, depth + 1).map(Rc::new);
        };
        let target: &J = self.index.get(&**id)?;
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

    fn push_values(&mut self, node: &mut Node, name: &Name, value: &J, depth: usize) {
        match value {
            J::Text(s) => node.props.push((name.clone(), Val::Text(Rc::clone(s)))),
            J::Number(n) => node.props.push((name.clone(), Val::Number(*n))),
            J::Array(items) => {
                for item in items {
                    self.push_values(node, name, item, depth);
                }
            }
            J::Object(..) => {
                if let Some(child) = self.child(value, depth) {
                    node.props.push((name.clone(), Val::Node(child)));
                }
            }
            J::Other | J::Null => {}
        }
    }
}

fn type_names(value: &J) -> Vec<String> {
    match value {
        J::Text(s) => vec![local_name(s)],
        J::Array(items) => items.iter().filter_map(J::as_str).map(local_name).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{J, parse_block};

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
            (
                "{\"name\": \"line\nbreak\", \"a\": 1}",
                &["control-characters"],
            ),
            ("{&quot;a&quot;: 1}", &["html-entities"]),
        ];
        for (block, expected) in table {
            let (values, repairs) = parse_block(block);
            assert_eq!(values.len(), 1, "{block:?} → {values:?}");
            assert_eq!(values[0].get("a"), Some(&J::Number(1.0)), "{block:?}");
            assert_eq!(repairs, expected, "{block:?}");
        }
    }

    #[test]
    fn concatenated_values_and_nulls() {
        let (values, repairs) = parse_block("{\"a\":1}\n{\"b\":2}");
        assert_eq!((values.len(), repairs.len()), (2, 0));
        let (values, _) = parse_block("null");
        assert_eq!(values, vec![J::Null]);
        assert_eq!(parse_block("{not json").1, vec!["unparseable"]);
    }

    #[test]
    fn only_the_texts_ratings_need_are_kept_and_nodes_keep_their_size() {
        let (values, _) = parse_block(
            r##"{"@context": "https://schema.org", "@id": "#r1", "@type": "Review", "reviewBody": "long text", "name": "Kept", "keywords": ["a", "b"]}"##,
        );
        let review = &values[0];
        assert_eq!(review.get("name").and_then(J::as_str), Some("Kept"));
        assert_eq!(review.get("reviewBody"), None);
        assert_eq!(review.get("keywords"), None);
        // `@context` left out, still counted: this object is a node, not a bare reference.
        assert_eq!(review.len(), 6);
    }
}
