//! Microdata and RDFa: both mark a scope on an element (`itemscope` /
//! `typeof`), name its type and label properties on descendants
//! (`itemprop` / `property`). One crawler serves both; only the attribute
//! names and RDFa's `vocab`/`prefix` differ, and for ratings the local names
//! are all that matter.

use std::collections::HashMap;

use scraper::ElementRef;

use super::graph::{Node, Val, local_name};

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
pub fn roots(all: &[ElementRef<'_>], attrs: Attributes) -> Vec<Node> {
    let by_id: HashMap<&str, ElementRef<'_>> = match attrs.reference {
        Some(reference) if all.iter().any(|e| e.attr(reference).is_some()) => all
            .iter()
            .filter_map(|e| e.value().id().map(|id| (id, *e)))
            .collect(),
        _ => HashMap::new(),
    };
    all.iter()
        .filter(|e| e.attr(attrs.scope).is_some() && e.attr(attrs.property).is_none())
        .map(|e| item(*e, attrs, &by_id, 0))
        .collect()
}

const MAX_DEPTH: usize = 32;

fn item(
    element: ElementRef<'_>,
    attrs: Attributes,
    by_id: &HashMap<&str, ElementRef<'_>>,
    depth: usize,
) -> Node {
    let types = element
        .attr(attrs.types)
        .unwrap_or_default()
        .split_whitespace()
        .map(local_name)
        .collect();
    let mut node = Node {
        types,
        props: Vec::new(),
    };
    if depth > MAX_DEPTH {
        return node;
    }
    for child in element.child_elements() {
        property(child, attrs, by_id, &mut node, depth);
    }
    if let Some(reference) = attrs.reference {
        for id in element
            .attr(reference)
            .unwrap_or_default()
            .split_whitespace()
        {
            if let Some(target) = by_id.get(id) {
                property(*target, attrs, by_id, &mut node, depth);
            }
        }
    }
    node
}

/// Adds the properties `element` (and, unless it is an item of its own, its descendants) carries.
fn property(
    element: ElementRef<'_>,
    attrs: Attributes,
    by_id: &HashMap<&str, ElementRef<'_>>,
    node: &mut Node,
    depth: usize,
) {
    let starts_item = element.attr(attrs.scope).is_some();
    if let Some(names) = element.attr(attrs.property) {
        let value = if starts_item {
            Val::Node(item(element, attrs, by_id, depth + 1))
        } else {
            Val::Text(value_of(element))
        };
        for name in names.split_whitespace() {
            node.props.push((local_name(name), value.clone()));
        }
    }
    // A nested item's properties are its own.
    if starts_item {
        return;
    }
    let linked = attrs
        .link
        .and_then(|l| element.attr(l))
        .filter(|_| element.attr(attrs.property).is_none());
    for child in element.child_elements() {
        match linked {
            // <span rel="v:rating"><span typeof="v:Rating">…: the inner item is the value.
            Some(names) if child.attr(attrs.scope).is_some() => {
                let value = Val::Node(item(child, attrs, by_id, depth + 1));
                for name in names.split_whitespace() {
                    node.props.push((local_name(name), value.clone()));
                }
            }
            _ => property(child, attrs, by_id, node, depth),
        }
    }
}

/// The property value of an element, by the microdata value rules and the
/// de-facto `content` attribute (which wins over localised text like "4,6").
pub fn value_of(element: ElementRef<'_>) -> String {
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
    from_attribute.unwrap_or_else(|| collapse_whitespace(&element.text().collect::<String>()))
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
