//! Microdata and RDFa: both mark a scope on an element (`itemscope` /
//! `typeof`), name its type and label properties on descendants
//! (`itemprop` / `property`). One crawler serves both; only the attribute
//! names and RDFa's `vocab`/`prefix` differ, and for ratings the local names
//! are all that matter.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use scraper::ElementRef;

use super::graph::{Budget, Graph, Node, NodeRef, Val, local_name};

/// The attributes one syntax uses.
#[derive(Debug, Clone, Copy)]
pub struct Attributes {
    /// Present on an element that starts an item.
    pub scope: &'static str,
    pub types: &'static str,
    pub property: &'static str,
    /// Microdata's `itemref`: properties pulled in from elsewhere by id.
    pub reference: Option<&'static str>,
    /// RDFa's `rel`: names the property whose value is the item started inside it.
    pub link: Option<&'static str>,
}

pub const MICRODATA: Attributes = Attributes {
    scope: "itemscope",
    types: "itemtype",
    property: "itemprop",
    reference: Some("itemref"),
    link: None,
};
pub const RDFA: Attributes = Attributes {
    scope: "typeof",
    types: "typeof",
    property: "property",
    reference: None,
    link: Some("rel"),
};

/// Top-level items of a page: scopes that are not themselves a property of another item.
pub fn roots(
    all: &[ElementRef<'_>],
    attrs: Attributes,
    budget: &mut Budget,
    graph: &mut Graph,
) -> Vec<NodeRef> {
    let by_id: HashMap<&str, ElementRef<'_>> = match attrs.reference {
        Some(reference) if all.iter().any(|e| e.attr(reference).is_some()) => all
            .iter()
            .filter_map(|e| e.value().id().map(|id| (id, *e)))
            .collect(),
        _ => HashMap::new(),
    };
    let mut crawler = Crawler {
        attrs,
        by_id,
        built: HashMap::new(),
        building: HashSet::new(),
        borrowed_left: all.len(),
        budget,
        graph,
    };
    all.iter()
        .filter(|e| e.attr(attrs.scope).is_some() && e.attr(attrs.property).is_none())
        .map(|e| crawler.item(*e, 0))
        .collect()
}

/// Nesting of items kept; deeper items are read without their properties.
const MAX_DEPTH: usize = 32;

/// Reads items. Each item element is read once and shared by every property
/// that names it (an `itemprop` listing several names, an `itemref` pointing
/// at it twice), and the walk over the elements is a loop, so neither the
/// page's depth nor its references can make the work explode.
struct Crawler<'a, 'b> {
    attrs: Attributes,
    by_id: HashMap<&'a str, ElementRef<'a>>,
    built: HashMap<NodeId, NodeRef>,
    building: HashSet<NodeId>,
    /// Elements that may still be read through `itemref`, for the whole page: as many as
    /// it has. Thousands of items pointing at one big block would otherwise each copy it.
    borrowed_left: usize,
    budget: &'b mut Budget,
    graph: &'b mut Graph,
}

/// One step of the walk over an item's elements, and whether it was reached through `itemref`.
enum Step<'a> {
    /// Read the properties this element (and its descendants) carries.
    Element(ElementRef<'a>, bool),
    /// RDFa `<span rel="v:rating"><span typeof="v:Rating">`: the inner item is the value of `names`.
    Linked(ElementRef<'a>, &'a str, bool),
}

impl<'a> Crawler<'a, '_> {
    fn item(&mut self, element: ElementRef<'a>, depth: usize) -> NodeRef {
        let id = element.id();
        if let Some(shared) = self.built.get(&id) {
            return *shared;
        }
        let mut node = Node {
            types: element
                .attr(self.attrs.types)
                .unwrap_or_default()
                .split_whitespace()
                .map(|t| super::graph::name(&local_name(t)))
                .collect(),
            props: Vec::new(),
            id: None,
        };
        // Too deep, or an itemref leading back into an item being read: no properties.
        if depth > MAX_DEPTH || !self.building.insert(id) {
            return self.graph.add(node);
        }
        let mut steps: Vec<Step<'a>> = Vec::new();
        if let Some(reference) = self.attrs.reference {
            let mut seen = HashSet::new();
            let targets = element
                .attr(reference)
                .unwrap_or_default()
                .split_whitespace();
            for target in targets
                .filter(|t| seen.insert(*t))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                if let Some(target) = self.by_id.get(target) {
                    steps.push(Step::Element(*target, true));
                }
            }
        }
        steps.extend(
            element
                .child_elements()
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .map(|child| Step::Element(child, false)),
        );
        while let Some(step) = steps.pop() {
            let borrowed = matches!(step, Step::Element(_, true) | Step::Linked(_, _, true));
            if !self.budget.spend(1) || (borrowed && !self.borrow()) {
                break;
            }
            match step {
                Step::Linked(child, names, _) => {
                    let value = Val::Node(self.item(child, depth + 1));
                    push(&mut node, names, &value, self.budget);
                }
                Step::Element(element, borrowed) => {
                    self.property(element, depth, borrowed, &mut node, &mut steps);
                }
            }
        }
        self.building.remove(&id);
        let at = self.graph.add(node);
        self.built.insert(id, at);
        at
    }

    /// One more element read through `itemref`; false (the page marked truncated) when none is left.
    fn borrow(&mut self) -> bool {
        if self.borrowed_left == 0 {
            self.budget.truncated = true;
            return false;
        }
        self.borrowed_left -= 1;
        true
    }

    /// Adds the property `element` carries, and queues its children unless it is an item of its own.
    fn property(
        &mut self,
        element: ElementRef<'a>,
        depth: usize,
        borrowed: bool,
        node: &mut Node,
        steps: &mut Vec<Step<'a>>,
    ) {
        let attrs = self.attrs;
        let starts_item = element.attr(attrs.scope).is_some();
        if let Some(names) = element.attr(attrs.property) {
            let value = if starts_item {
                Val::Node(self.item(element, depth + 1))
            } else {
                Val::Text(value_of(element, self.budget).into())
            };
            push(node, names, &value, self.budget);
        }
        // A nested item's properties are its own.
        if starts_item {
            return;
        }
        let linked = attrs
            .link
            .and_then(|l| element.attr(l))
            .filter(|_| element.attr(attrs.property).is_none());
        let children: Vec<_> = element.child_elements().collect();
        for child in children.into_iter().rev() {
            steps.push(match linked {
                Some(names) if child.attr(attrs.scope).is_some() => {
                    Step::Linked(child, names, borrowed)
                }
                _ => Step::Element(child, borrowed),
            });
        }
    }
}

/// One value under every name a property attribute lists (`itemprop="name alternateName"`),
/// each copy paid for by its size: a long text under a long list of names is a lot of copying.
fn push(node: &mut Node, names: &str, value: &Val, budget: &mut Budget) {
    let size = match value {
        Val::Text(text) => 1 + text.len() / 16,
        Val::Number(_) | Val::Node(_) => 1,
    };
    for name in names.split_whitespace() {
        if !budget.spend(size) {
            return;
        }
        node.props
            .push((super::graph::name(&local_name(name)), value.clone()));
    }
}

/// The property value of an element, by the microdata value rules and the
/// de-facto `content` attribute (which wins over localised text like "4,6").
pub fn value_of(element: ElementRef<'_>, budget: &mut Budget) -> String {
    let attr = |name: &str| element.attr(name).map(str::to_string);
    let from_attribute = match element.value().name() {
        "meta" => attr("content"),
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => attr("src"),
        "a" | "area" | "link" => attr("content").or_else(|| attr("href")),
        "object" => attr("data"),
        "data" | "meter" => attr("value"),
        "time" => attr("datetime").or_else(|| attr("content")),
        _ => attr("content"),
    };
    from_attribute.unwrap_or_else(|| collapse_whitespace(&bounded_text(element, budget)))
}

/// The element's text, each node paid for (text by its length): nested properties
/// each copy their own subtree's text, which must not add up to more than the budget.
pub fn bounded_text(element: ElementRef<'_>, budget: &mut Budget) -> String {
    let mut text = String::new();
    for node in element.descendants() {
        let piece = node.value().as_text().map_or("", |t| &**t);
        if !budget.spend(1 + piece.len() / 16) {
            break;
        }
        text.push_str(piece);
    }
    text
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
