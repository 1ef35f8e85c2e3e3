//! Microformats: `hreview-aggregate` (v1) and `h-review-aggregate` (v2),
//! read into the same node shape as schema.org AggregateRating.

use scraper::ElementRef;

use super::graph::{Budget, Graph, Node, NodeRef, Val};
use super::items::collapse_whitespace;

/// One node per review aggregate on the page.
/// Each aggregate searches its own subtree, which nesting could make
/// quadratic: the search is paid for from the page's budget.
pub fn roots(all: &[ElementRef<'_>], budget: &mut Budget, graph: &mut Graph) -> Vec<NodeRef> {
    let mut roots = Vec::new();
    for element in all
        .iter()
        .filter(|e| has_class(**e, "hreview-aggregate") || has_class(**e, "h-review-aggregate"))
    {
        if !budget.spend(element.descendants().count()) {
            break;
        }
        let node = aggregate(*element, graph);
        roots.push(graph.add(node));
    }
    roots
}

fn aggregate(root: ElementRef<'_>, graph: &mut Graph) -> Node {
    let v2 = has_class(root, "h-review-aggregate");
    let prop = |name: &str| {
        if v2 {
            format!("p-{name}")
        } else {
            name.to_string()
        }
    };
    let mut node = Node {
        types: vec!["AggregateRating".into()],
        props: Vec::new(),
        id: None,
    };
    let rating = find(root, &prop("rating"));
    let average = find(root, &prop("average")).or_else(|| rating.and_then(|r| find(r, "value")));
    if let Some(value) = average.or(rating).map(value_class_text) {
        node.props
            .push(("ratingValue".into(), Val::Text(value.into())));
    }
    for (class, name) in [
        ("best", "bestRating"),
        ("worst", "worstRating"),
        ("votes", "ratingCount"),
        ("count", "reviewCount"),
    ] {
        if let Some(el) = find(root, &prop(class)) {
            node.props
                .push((name.into(), Val::Text(value_class_text(el).into())));
        }
    }
    if let Some(item) = find(root, &prop("item")) {
        node.props.push((
            "itemReviewed".into(),
            Val::Node(graph.add(reviewed(item, v2))),
        ));
    }
    node
}

/// The reviewed thing: an h-card/vcard is a business (reviews rate businesses, not people's cards).
fn reviewed(item: ElementRef<'_>, v2: bool) -> Node {
    let card = has_class(item, "vcard") || has_class(item, "h-card");
    let name = find(item, if v2 { "p-name" } else { "fn" })
        .map_or_else(|| value_class_text(item), value_class_text);
    let url = find(item, if v2 { "u-url" } else { "url" })
        .and_then(|u| u.attr("href"))
        .map(str::to_string);
    let kind = if card { "Organization" } else { "Thing" };
    let mut node = Node {
        types: vec![kind.into()],
        props: vec![("name".into(), Val::Text(name.into()))],
        id: None,
    };
    if let Some(url) = url {
        node.props.push(("url".into(), Val::Text(url.into())));
    }
    node
}

/// The element itself or its first descendant with `class`.
fn find<'a>(root: ElementRef<'a>, class: &str) -> Option<ElementRef<'a>> {
    std::iter::once(root)
        .chain(root.descendent_elements())
        .skip(1)
        .find(|e| has_class(*e, class))
}

fn has_class(element: ElementRef<'_>, class: &str) -> bool {
    element.value().classes().any(|c| c == class)
}

/// The value-class pattern: `.value` children win, `abbr[title]` next, then the text.
fn value_class_text(element: ElementRef<'_>) -> String {
    if let Some(value) = element
        .descendent_elements()
        .skip(1)
        .find(|e| has_class(*e, "value"))
    {
        return collapse_whitespace(&value.text().collect::<String>());
    }
    if element.value().name() == "abbr" {
        if let Some(title) = element.attr("title") {
            return title.to_string();
        }
    }
    collapse_whitespace(&element.text().collect::<String>())
}
