//! Microformats: `hreview-aggregate` (v1) and `h-review-aggregate` (v2),
//! read into the same node shape as schema.org AggregateRating, values by the
//! value-class pattern. Single reviews (`hreview`, `h-review`) are read as
//! JSON-LD Review nodes are: for their date, as reviews of the aggregate's item,
//! never as ratings of their own.

use std::collections::HashMap;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::ElementRef;

use super::graph::{Budget, Graph, Node, NodeRef, Val};
use super::items::collapse_whitespace;

/// One node per review aggregate on the page.
/// Each aggregate searches its own subtree, which nesting could make
/// quadratic: the search is paid for from the page's budget.
pub fn roots(all: &[ElementRef<'_>], budget: &mut Budget, graph: &mut Graph) -> Vec<NodeRef> {
    let aggregates: Vec<ElementRef<'_>> =
        all.iter().copied().filter(|e| is_aggregate(*e)).collect();
    let reviews = reviews_by_aggregate(all, &aggregates, budget);
    let mut roots = Vec::new();
    for element in &aggregates {
        if !budget.spend(element.descendants().count()) {
            break;
        }
        let mine = reviews
            .get(&Some(element.id()))
            .map_or(&[][..], Vec::as_slice);
        // Reviews outside any aggregate are its own when the page has only the one.
        let loose = match aggregates.len() {
            1 => reviews.get(&None).map_or(&[][..], Vec::as_slice),
            _ => &[],
        };
        let node = aggregate(*element, mine, loose, budget, graph);
        roots.push(graph.add(node));
    }
    roots
}

fn is_aggregate(element: ElementRef<'_>) -> bool {
    has_class(element, "hreview-aggregate") || has_class(element, "h-review-aggregate")
}

fn is_review(element: ElementRef<'_>) -> bool {
    has_class(element, "hreview") || has_class(element, "h-review")
}

/// The page's single reviews by the aggregate they stand in (`None`: in none), each found by
/// walking up to its nearest aggregate, paid for from the budget.
fn reviews_by_aggregate<'a>(
    all: &[ElementRef<'a>],
    aggregates: &[ElementRef<'a>],
    budget: &mut Budget,
) -> HashMap<Option<NodeId>, Vec<ElementRef<'a>>> {
    let mut by: HashMap<Option<NodeId>, Vec<ElementRef<'a>>> = HashMap::new();
    if aggregates.is_empty() {
        return by;
    }
    let ids: std::collections::HashSet<NodeId> = aggregates.iter().map(|a| a.id()).collect();
    for review in all.iter().copied().filter(|e| is_review(*e)) {
        let mut steps = 0;
        let within = review
            .ancestors()
            .inspect(|_| steps += 1)
            .map(|a| a.id())
            .find(|id| ids.contains(id));
        if !budget.spend(steps) {
            break;
        }
        by.entry(within).or_default().push(review);
    }
    by
}

fn aggregate(
    root: ElementRef<'_>,
    mine: &[ElementRef<'_>],
    loose: &[ElementRef<'_>],
    budget: &mut Budget,
    graph: &mut Graph,
) -> Node {
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
    // `average` where the rating element holds more (best, worst); else the rating's own value.
    let average = find(root, &prop("average"));
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
        let mut reviewed = reviewed(item, v2);
        let name = reviewed.text("name").map(|n| n.to_lowercase());
        // A loose review counts when it names no item or the same one.
        let same_item = |review: ElementRef<'_>| {
            let item = find(review, "item").or_else(|| find(review, "p-item"));
            item.map(|i| item_name(i).to_lowercase()) == name || item.is_none()
        };
        for review in mine.iter().chain(loose.iter().filter(|r| same_item(**r))) {
            if !budget.spend(review.descendants().count()) {
                break;
            }
            if let Some(date) = review_date(*review) {
                let review = Node {
                    types: vec!["Review".into()],
                    props: vec![("datePublished".into(), Val::Text(date.into()))],
                    id: None,
                };
                reviewed
                    .props
                    .push(("review".into(), Val::Node(graph.add(review))));
            }
        }
        node.props
            .push(("itemReviewed".into(), Val::Node(graph.add(reviewed))));
    }
    node
}

/// When a single review was written: v1 `dtreviewed`, v2 `dt-published`.
fn review_date(review: ElementRef<'_>) -> Option<String> {
    let date = find(review, "dt-published").or_else(|| find(review, "dtreviewed"))?;
    match date.value().name() {
        "time" | "ins" | "del" => date.attr("datetime").map(str::to_string),
        _ => None,
    }
    .or_else(|| Some(value_class_text(date)))
}

/// An item's name as `reviewed` reads it, v1 or v2.
fn item_name(item: ElementRef<'_>) -> String {
    find(item, "fn")
        .or_else(|| find(item, "p-name"))
        .map_or_else(|| value_class_text(item), value_class_text)
}

/// The reviewed thing: an h-card/vcard is a business (reviews rate businesses, not people's cards).
fn reviewed(item: ElementRef<'_>, v2: bool) -> Node {
    let card = has_class(item, "vcard") || has_class(item, "h-card");
    let name = item_name(item);
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

/// The first descendant of `root` with `class`, outside any single review nested in it: a
/// review's properties are its own, not its aggregate's.
fn find<'a>(root: ElementRef<'a>, class: &str) -> Option<ElementRef<'a>> {
    let mut inside: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if inside.is_none() && node.id() != root.id() => {
                let Some(element) = ElementRef::wrap(node) else {
                    continue;
                };
                if has_class(element, class) {
                    return Some(element);
                }
                if is_review(element) {
                    inside = Some(node.id());
                }
            }
            Edge::Close(node) if inside == Some(node.id()) => inside = None,
            _ => {}
        }
    }
    None
}

fn has_class(element: ElementRef<'_>, class: &str) -> bool {
    element.value().classes().any(|c| c == class)
}

/// A property's value by the value-class pattern: a `.value-title` element's `title`; else
/// its `.value` parts joined, each read as `own_value` reads it; else the element's own value.
fn value_class_text(element: ElementRef<'_>) -> String {
    let parts: Vec<ElementRef<'_>> = element
        .descendent_elements()
        .skip(1)
        .filter(|e| has_class(*e, "value") || has_class(*e, "value-title"))
        .collect();
    if let Some(title) = parts
        .iter()
        .find(|e| has_class(**e, "value-title"))
        .and_then(|e| e.attr("title"))
    {
        return title.trim().to_string();
    }
    let values: Vec<String> = parts
        .iter()
        .filter(|e| has_class(**e, "value"))
        .map(|e| own_value(*e))
        .collect();
    if values.iter().any(|v| !v.is_empty()) {
        return values.concat();
    }
    own_value(element)
}

/// What an element itself says: `abbr`'s title, `img`'s and `area`'s alt, the value of `data`,
/// `input` and `meter`; else its text.
fn own_value(element: ElementRef<'_>) -> String {
    let attribute = match element.value().name() {
        "abbr" => element.attr("title"),
        "img" | "area" => element.attr("alt"),
        "data" | "input" | "meter" => element.attr("value"),
        _ => None,
    };
    attribute.map_or_else(
        || collapse_whitespace(&element.text().collect::<String>()),
        |a| a.trim().to_string(),
    )
}
