//! JSON-LD blocks: parsed strictly first and repaired only when that fails (each
//! repair recorded), then read straight into the page's node graph: objects become
//! nodes, `@id` references become edges to one shared node (a reference met before
//! its definition reserves its place), `@graph` members are roots. Nothing is read
//! twice and nothing is copied: a large Trustpilot graph costs about its own size.

mod repair;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use repair::{
    decode_entities, escape_control_characters, strip_comments, strip_trailing_commas,
    strip_trailing_semicolon, strip_wrappers,
};

use crate::extract::graph::{
    Budget, Graph, Name, Node, NodeRef, Val, local_name, name as graph_name,
};

/// What was done to a block to make it parse; reported with the ratings.
pub type Repair = &'static str;

/// Properties whose text values the rating walk reads (local names, any case): a review's
/// body, headline or description is never kept (a Trustpilot page is mostly those).
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

fn text_kept(name: &str) -> bool {
    TEXT_KEPT.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// Parses a page's JSON-LD blocks (lifted out of the page by `html::parse_lifting_json_ld`)
/// into the page's graph; returns the root nodes and the repairs that were needed.
pub fn roots(
    blocks: &[&str],
    graph: &mut Graph,
    budget: &mut Budget,
) -> (Vec<NodeRef>, Vec<Repair>) {
    let mut reader = Reader {
        graph,
        budget,
        ids: HashMap::new(),
        referenced: HashSet::new(),
        candidates: Vec::new(),
        objects_open: 0,
    };
    let mut repairs = Vec::new();
    for block in blocks {
        repairs.extend(read_block(block, &mut reader));
    }
    repairs.sort_unstable();
    repairs.dedup();
    // A node another node points to is read through that reference, with its context.
    let roots = reader
        .candidates
        .iter()
        .copied()
        .filter(|at| {
            let node = reader.graph.get(*at);
            !node
                .id
                .as_ref()
                .is_some_and(|id| reader.referenced.contains(id))
        })
        .collect();
    (roots, repairs)
}

/// A repair: the fixed text, or `None` when it does not apply.
type RepairFn = fn(&str) -> Option<String>;

/// Reads one script's JSON values (several may be concatenated) into the graph: the text as
/// it is when it parses, else repaired step by step; returns the repairs used.
fn read_block(text: &str, reader: &mut Reader<'_, '_>) -> Vec<Repair> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    if let Some(values) = value_spans(text) {
        reader.read(text, &values);
        return Vec::new();
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
            if let Some(values) = value_spans(&current) {
                reader.read(&current, &values);
                return repairs;
            }
        }
    }
    if let Some(next) = escape_control_characters(&current) {
        repairs.push("control-characters");
        if let Some(values) = value_spans(&next) {
            reader.read(&next, &values);
            return repairs;
        }
    }
    vec!["unparseable"]
}

/// Where each JSON value of `text` lies, when all of it is JSON (checked without building anything).
fn value_spans(text: &str) -> Option<Vec<(usize, usize)>> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    let mut spans = Vec::new();
    let mut start = 0;
    while let Some(value) = stream.next() {
        value.ok()?;
        let end = stream.byte_offset();
        spans.push((start, end));
        start = end;
    }
    Some(spans)
}

/// Reads JSON into the graph.
struct Reader<'g, 'b> {
    graph: &'g mut Graph,
    budget: &'b mut Budget,
    /// Where each `@id` lives, and whether its definition has been read (a reference ahead of
    /// its definition reserves the place).
    ids: HashMap<Rc<str>, (NodeRef, bool)>,
    /// Ids used as bare references (`{"@id": "#rating"}`).
    referenced: HashSet<Rc<str>>,
    /// Top-level objects and `@graph` members: the roots, unless referenced.
    candidates: Vec<NodeRef>,
    objects_open: usize,
}

/// A JSON value as the graph needs it.
enum Value {
    Node(NodeRef),
    Reference(Rc<str>),
    Text(Rc<str>),
    Number(f64),
    List(Vec<Value>),
    Nothing,
}

impl Reader<'_, '_> {
    fn read(&mut self, text: &str, spans: &[(usize, usize)]) {
        for (start, end) in spans {
            let Some(span) = text.get(*start..*end) else {
                continue;
            };
            let mut deserializer = serde_json::Deserializer::from_str(span);
            // Already checked to be JSON: an error here could only be a limit, and is skipped.
            let _ = Seed {
                reader: self,
                keep_text: true,
            }
            .deserialize(&mut deserializer);
        }
    }

    /// The node an `@id` names, reserved if its definition has not been read yet.
    fn place_of(&mut self, id: &Rc<str>) -> NodeRef {
        if let Some((at, _)) = self.ids.get(id) {
            return *at;
        }
        let at = self.graph.reserve();
        self.ids.insert(Rc::clone(id), (at, false));
        at
    }

    /// Puts a finished object in the graph: at its reserved place if a reference was ahead of it.
    fn place(&mut self, id: Option<Rc<str>>, node: Node) -> NodeRef {
        let Some(id) = id else {
            return self.graph.add(node);
        };
        match self.ids.get(&id).copied() {
            Some((at, false)) => {
                self.graph.set(at, node);
                self.ids.insert(id, (at, true));
                at
            }
            // Defined twice: references go to the first, this one stands where it is.
            Some((_, true)) => self.graph.add(node),
            None => {
                let at = self.graph.add(node);
                self.ids.insert(id, (at, true));
                at
            }
        }
    }

    fn push(&mut self, node: &mut Node, name: &Name, value: Value) {
        match value {
            Value::Text(text) => node.props.push((name.clone(), Val::Text(text))),
            Value::Number(n) => node.props.push((name.clone(), Val::Number(n))),
            Value::Node(at) => node.props.push((name.clone(), Val::Node(at))),
            Value::Reference(id) => {
                let at = self.place_of(&id);
                node.props.push((name.clone(), Val::Node(at)));
            }
            Value::List(items) => {
                for item in items {
                    self.push(node, name, item);
                }
            }
            Value::Nothing => {}
        }
    }
}

/// Reads one value; `keep_text` says whether its texts are read by anyone.
struct Seed<'r, 'g, 'b> {
    reader: &'r mut Reader<'g, 'b>,
    keep_text: bool,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Nothing)
    }
    #[expect(clippy::cast_precision_loss, reason = "ratings and counts fit an f64")]
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    #[expect(clippy::cast_precision_loss, reason = "ratings and counts fit an f64")]
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if self.keep_text {
            Value::Text(v.into())
        } else {
            Value::Nothing
        })
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nothing)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Nothing)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        let top = self.reader.objects_open == 0;
        while let Some(item) = seq.next_element_seed(Seed {
            reader: &mut *self.reader,
            keep_text: self.keep_text,
        })? {
            match item {
                Value::Nothing => {}
                // A list at the top: its objects are top-level too.
                Value::Node(at) if top => self.reader.candidates.push(at),
                item => items.push(item),
            }
        }
        Ok(if items.is_empty() {
            Value::Nothing
        } else {
            Value::List(items)
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let reader = self.reader;
        if !reader.budget.spend(1) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Nothing);
        }
        reader.objects_open += 1;
        let mut node = Node::default();
        let (mut id, mut more, mut members): (Option<Rc<str>>, bool, Option<Value>) =
            (None, false, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "@id" => {
                    if let Value::Text(text) = map.next_value_seed(Seed {
                        reader: &mut *reader,
                        keep_text: true,
                    })? {
                        node.id = Some(Rc::clone(&text));
                        id = Some(text);
                    }
                }
                "@type" => {
                    more = true;
                    let types = map.next_value_seed(Seed {
                        reader: &mut *reader,
                        keep_text: true,
                    })?;
                    node.types = type_names(types);
                }
                "@context" => {
                    more = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "@graph" => {
                    more = true;
                    members = Some(map.next_value_seed(Seed {
                        reader: &mut *reader,
                        keep_text: true,
                    })?);
                }
                other => {
                    more = true;
                    let local = local_name(other);
                    let name = graph_name(&local);
                    let value = map.next_value_seed(Seed {
                        reader: &mut *reader,
                        keep_text: text_kept(&local),
                    })?;
                    reader.push(&mut node, &name, value);
                }
            }
        }
        reader.objects_open -= 1;
        node.props.shrink_to_fit();
        let outermost = reader.objects_open == 0;
        if let (Some(id), false) = (&id, more) {
            // `{"@id": "…"}` alone stands for the node defined elsewhere.
            reader.referenced.insert(Rc::clone(id));
            return Ok(Value::Reference(Rc::clone(id)));
        }
        let typed = !node.types.is_empty();
        let at = reader.place(id, node);
        if outermost {
            match members {
                Some(members) => {
                    let mut queue = vec![members];
                    while let Some(member) = queue.pop() {
                        match member {
                            Value::Node(member) => reader.candidates.push(member),
                            Value::List(list) => queue.extend(list.into_iter().rev()),
                            Value::Reference(_)
                            | Value::Text(_)
                            | Value::Number(_)
                            | Value::Nothing => {}
                        }
                    }
                    // A wrapper with its own type is a node too.
                    if typed {
                        reader.candidates.push(at);
                    }
                }
                None => reader.candidates.push(at),
            }
        }
        Ok(Value::Node(at))
    }
}

fn type_names(value: Value) -> Vec<Name> {
    match value {
        Value::Text(name) => vec![graph_name(&local_name(&name))],
        Value::List(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::Text(name) => Some(graph_name(&local_name(&name))),
                Value::Node(_)
                | Value::Reference(_)
                | Value::Number(_)
                | Value::List(_)
                | Value::Nothing => None,
            })
            .collect(),
        Value::Node(_) | Value::Reference(_) | Value::Number(_) | Value::Nothing => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(block: &str) -> (Graph, Vec<NodeRef>, Vec<Repair>) {
        let mut graph = Graph::default();
        let mut budget = Budget::for_input(block.len());
        let (roots, repairs) = roots(&[block], &mut graph, &mut budget);
        (graph, roots, repairs)
    }

    #[test]
    fn broken_json_is_repaired_and_the_repair_named() {
        // (block, repairs expected)
        let table: [(&str, &[&str]); 7] = [
            (r#"{"ratingValue": 1}"#, &[]),
            (
                "// <![CDATA[\n{\"ratingValue\": 1}\n// ]]&gt;",
                &["comment-or-cdata-wrapper"],
            ),
            (
                "<!--\n{\"ratingValue\": 1}\n-->",
                &["comment-or-cdata-wrapper"],
            ),
            (r#"{"ratingValue": 1};"#, &["trailing-semicolon"]),
            (
                "{\"ratingValue\": 1, // one\n \"b\": [2, 3,],}",
                &["comments", "trailing-commas"],
            ),
            (
                "{\"name\": \"line\nbreak\", \"ratingValue\": 1}",
                &["control-characters"],
            ),
            ("{&quot;ratingValue&quot;: 1}", &["html-entities"]),
        ];
        for (block, expected) in table {
            let (graph, roots, repairs) = read(block);
            assert_eq!(roots.len(), 1, "{block:?}");
            assert_eq!(
                graph.get(roots[0]).text("ratingValue").as_deref(),
                Some("1"),
                "{block:?}"
            );
            assert_eq!(repairs, expected, "{block:?}");
        }
    }

    #[test]
    fn concatenated_values_nulls_and_garbage() {
        let (_, roots, repairs) = read("{\"a\":1}\n{\"b\":2}");
        assert_eq!((roots.len(), repairs.len()), (2, 0));
        assert!(read("null").1.is_empty());
        assert_eq!(read("{not json").2, vec!["unparseable"]);
    }

    #[test]
    fn references_share_one_node_whichever_comes_first() {
        let (graph, roots, _) = read(
            r##"{"@graph": [
                {"@type": "Review", "itemReviewed": {"@id": "#org"}, "reviewBody": "long text"},
                {"@id": "#org", "@type": "Organization", "name": "Acme", "description": "long"},
                {"@type": "Review", "itemReviewed": {"@id": "#org"}}
            ]}"##,
        );
        // The organisation is referenced: read through the reviews, not as a root of its own.
        assert_eq!(roots.len(), 2);
        let org = |at: NodeRef| {
            graph
                .get(at)
                .node(&graph, "itemReviewed")
                .map(std::ptr::from_ref)
        };
        assert_eq!(org(roots[0]), org(roots[1]));
        let acme = graph
            .get(roots[0])
            .node(&graph, "itemReviewed")
            .unwrap_or_else(|| unreachable!());
        assert_eq!(acme.text("name").as_deref(), Some("Acme"));
        // Texts nobody reads are not kept.
        assert!(acme.text("description").is_none());
        assert!(graph.get(roots[0]).text("reviewBody").is_none());
    }
}
