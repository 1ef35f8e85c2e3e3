//! One small node model every syntax is read into, and the walk that finds
//! aggregate ratings in it. JSON-LD, microdata, RDFa and microformats differ
//! in how they spell things, not in what a rating is.

use std::collections::HashSet;
use std::rc::Rc;

use super::numbers::{non_finite, parse_rating, stated_count, stated_number};
use super::plausible::{self, Stated};
use super::{Bucket, Entity, InvalidRating, Rating, Syntax};

/// Work allowed on one page, in steps (an element read, a node expanded, a
/// property looked at). Pages share nodes (`@id` references, `itemref`,
/// `itemprop` lists), so without a budget a small page can ask for
/// exponential work; with it the work is linear in the page's size and a page
/// that runs out is reported as truncated.
#[derive(Debug)]
pub struct Budget {
    left: usize,
    /// Some work was left undone: the budget ran out, or a cap was reached.
    pub truncated: bool,
}

impl Budget {
    /// Steps for a page of `bytes`: far more than any real page needs.
    pub fn for_input(bytes: usize) -> Self {
        Self {
            left: bytes.saturating_mul(4).saturating_add(100_000),
            truncated: false,
        }
    }

    /// Takes `steps`; false (and nothing left from then on) when they are not left.
    pub fn spend(&mut self, steps: usize) -> bool {
        match self.left.checked_sub(steps) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                self.truncated = true;
                false
            }
        }
    }
}

/// A typed thing with named properties, in the order the page gave them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// Local type names: `http://schema.org/AggregateRating` → `AggregateRating`.
    pub types: Vec<Name>,
    pub props: Vec<(Name, Val)>,
    /// The node's `@id`, where it has one.
    pub id: Option<Rc<str>>,
}

/// A property name; the common ones are shared, not allocated for every node of a large graph.
pub type Name = std::borrow::Cow<'static, str>;

/// Property names met on nearly every node of a large graph.
const COMMON_NAMES: &[&str] = &[
    "@id",
    "@type",
    "@graph",
    "name",
    "url",
    "review",
    "author",
    "itemReviewed",
    "reviewRating",
    "aggregateRating",
    "ratingValue",
    "bestRating",
    "worstRating",
    "ratingCount",
    "reviewCount",
    "datePublished",
    "publisher",
    "image",
    "sameAs",
    "mainEntity",
    "position",
    "item",
    "itemListElement",
    "address",
    "logo",
    "description",
    "headline",
    "reviewBody",
    "inLanguage",
    // Type names, as common on large pages.
    "Review",
    "Rating",
    "Person",
    "AggregateRating",
    "Organization",
    "LocalBusiness",
    "Product",
    "ListItem",
    "BreadcrumbList",
    "WebPage",
    "Thing",
];

/// `name` as a [`Name`]: shared when common.
pub fn name(name: &str) -> Name {
    COMMON_NAMES
        .iter()
        .find(|n| **n == name)
        .map_or_else(|| Name::Owned(name.to_string()), |n| Name::Borrowed(n))
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(Rc<str>),
    Number(f64),
    /// A node of the page's [`Graph`], by index: one item may be the value of several
    /// properties (an `@id` reference, an `itemref`, an `itemprop` with several names).
    Node(NodeRef),
}

/// A node's place in its [`Graph`].
pub type NodeRef = usize;

/// Every node of a page, in one arena: references are indices, nothing is copied, cycles
/// cost nothing, and everything is freed at once.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
}

impl Graph {
    pub fn add(&mut self, node: Node) -> NodeRef {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// A place for a node not read yet (a reference ahead of its definition, an item being read).
    pub fn reserve(&mut self) -> NodeRef {
        self.add(Node::default())
    }

    pub fn set(&mut self, at: NodeRef, node: Node) {
        if let Some(slot) = self.nodes.get_mut(at) {
            *slot = node;
        }
    }

    /// The node at `at` (every `NodeRef` comes from this graph).
    pub fn get(&self, at: NodeRef) -> &Node {
        &self.nodes[at]
    }
}

impl Node {
    pub fn values<'s, 'n>(&'s self, name: &'n str) -> impl Iterator<Item = &'s Val> + use<'s, 'n> {
        self.props
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn node<'g>(&self, graph: &'g Graph, name: &str) -> Option<&'g Node> {
        self.values(name).find_map(|v| match v {
            Val::Node(n) => Some(graph.get(*n)),
            Val::Text(_) | Val::Number(_) => None,
        })
    }

    /// The first plain value of a property, as text.
    pub fn text(&self, name: &str) -> Option<String> {
        self.values(name).find_map(|v| match v {
            Val::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            Val::Number(n) => Some(n.to_string()),
            Val::Text(_) | Val::Node(_) => None,
        })
    }

    /// The first number of a property as the page states it, judged later (signed, NaN kept).
    fn number(&self, name: &str) -> Option<f64> {
        self.values(name).find_map(|v| match v {
            Val::Number(n) => Some(*n),
            Val::Text(t) => stated_number(t),
            Val::Node(_) => None,
        })
    }

    /// The first count of a property as the page states it: a negative or absurd one is kept
    /// to be judged, not dropped (the next value would then be read as if it were the count).
    fn count(&self, name: &str) -> Option<f64> {
        self.values(name).find_map(|v| match v {
            Val::Number(n) => Some(*n),
            Val::Text(t) => stated_count(t),
            Val::Node(_) => None,
        })
    }

    pub fn has_type(&self, name: &str) -> bool {
        self.types.iter().any(|t| t.eq_ignore_ascii_case(name))
    }
}

/// The local name of a type or property: after the last `/`, `#` or prefix `:`.
pub fn local_name(name: &str) -> String {
    let name = name.trim();
    let cut = name
        .rfind(['/', '#'])
        .map_or_else(|| name.rfind(':').map_or(0, |i| i + 1), |i| i + 1);
    name.get(cut..).unwrap_or(name).to_string()
}

/// Properties whose ratings belong to one review or are not customer ratings at all.
const NOT_AGGREGATE: &[&str] = &[
    "reviewRating",
    "starRating",
    "contentRating",
    "certificationRating",
];

/// Organisation types whose ratings are the company's (schema.org Organization and common subtypes).
const ORGANIZATION_TYPES: &[&str] = &[
    "Organization",
    "Brand",
    "Corporation",
    "LocalBusiness",
    "OnlineStore",
    "OnlineBusiness",
    "Store",
    "Restaurant",
    "FoodEstablishment",
    "LodgingBusiness",
    "Hotel",
    "Airline",
    "NGO",
    "Consortium",
    "FinancialService",
    "BankOrCreditUnion",
    "InsuranceAgency",
    "ProfessionalService",
    "TravelAgency",
    "AutomotiveBusiness",
    "HomeAndConstructionBusiness",
    "HealthAndBeautyBusiness",
    "EntertainmentBusiness",
    "MedicalOrganization",
    "EducationalOrganization",
    "GovernmentOrganization",
    "NewsMediaOrganization",
    "SportsOrganization",
    "TelecomProvider",
];

fn is_organization(types: &[Name]) -> bool {
    types.iter().any(|t| {
        ORGANIZATION_TYPES.iter().any(|o| o.eq_ignore_ascii_case(t))
            || ["Store", "Business", "Organization", "Agency"]
                .iter()
                .any(|suffix| t.ends_with(suffix))
    })
}

/// Finds every aggregate rating under `root`. Iterative, and each node is
/// expanded once however many properties share it, so the work is linear in
/// the number of nodes and cycles end; every property edge is still looked at,
/// because whose rating it is depends on the edge (host, property).
pub fn collect(
    graph: &Graph,
    root: NodeRef,
    syntax: Syntax,
    out: &mut Vec<Result<Rating, InvalidRating>>,
    budget: &mut Budget,
) {
    let mut expanded: HashSet<NodeRef> = HashSet::new();
    let mut stack: Vec<(NodeRef, Option<NodeRef>, Option<&str>, usize)> =
        vec![(root, None, None, 0)];
    while let Some((at, host, via, depth)) = stack.pop() {
        let node = graph.get(at);
        if !budget.spend(1 + node.props.len()) {
            return;
        }
        consider(
            graph,
            node,
            host.map(|h| graph.get(h)),
            via,
            syntax,
            out,
            budget,
        );
        if depth >= MAX_DEPTH || !expanded.insert(at) {
            continue;
        }
        // Reversed, so properties are visited in page order (the order ratings are reported in).
        for (prop, value) in node.props.iter().rev() {
            if NOT_AGGREGATE.iter().any(|p| p.eq_ignore_ascii_case(prop)) {
                continue;
            }
            if let Val::Node(child) = value {
                stack.push((*child, Some(at), Some(prop), depth + 1));
            }
        }
    }
}

const MAX_DEPTH: usize = 64;

/// Reads `node` as an aggregate rating when it is one, reached from `host` by `via`.
fn consider(
    graph: &Graph,
    node: &Node,
    host: Option<&Node>,
    via: Option<&str>,
    syntax: Syntax,
    out: &mut Vec<Result<Rating, InvalidRating>>,
    budget: &mut Budget,
) {
    let aggregate_type = node.types.iter().any(|t| {
        t.eq_ignore_ascii_case("AggregateRating")
            || t.eq_ignore_ascii_case("EmployerAggregateRating")
            || t.eq_ignore_ascii_case("Review-aggregate")
    });
    let via_aggregate = via.is_some_and(|p| p.eq_ignore_ascii_case("aggregateRating"));
    // An aggregateRating put inside a Review rates the review, not the item.
    let host_is_review = host.is_some_and(|h| h.has_type("Review"));
    if (aggregate_type || via_aggregate) && !host_is_review {
        let entity = node
            .node(graph, "itemReviewed")
            .or_else(|| node.node(graph, "itemreviewed"))
            .or(host);
        // Building reads the entity's properties (its reviews for the newest date).
        if !budget.spend(entity.map_or(0, |e| e.props.len())) {
            return;
        }
        if let Some(rating) = build(graph, node, entity, syntax) {
            out.push(rating);
        }
    }
}

/// The rating `node` states, or why it cannot be true; `None` when it states none.
fn build(
    graph: &Graph,
    node: &Node,
    entity: Option<&Node>,
    syntax: Syntax,
) -> Option<Result<Rating, InvalidRating>> {
    // data-vocabulary.org spells it `rating` (a Rating item with `average`) or `average`.
    let inner = node.node(graph, "rating");
    let raw = node
        .text("ratingValue")
        .or_else(|| node.text("average"))
        .or_else(|| inner.and_then(|r| r.text("average").or_else(|| r.text("value"))))
        .or_else(|| node.text("rating"))?;
    // `NaN` holds no digit to parse, yet it is a value stated, and one that cannot be true.
    let parsed = if non_finite(&raw) {
        super::numbers::RatingText {
            value: f64::NAN,
            best_hint: None,
        }
    } else {
        parse_rating(&raw)?
    };
    let explicit_best = node
        .number("bestRating")
        .or_else(|| node.number("best"))
        .or_else(|| inner.and_then(|r| r.number("best")));
    let explicit_worst = node
        .number("worstRating")
        .or_else(|| node.number("worst"))
        .or_else(|| inner.and_then(|r| r.number("worst")));
    let rating_count = node.count("ratingCount").or_else(|| node.count("votes"));
    let review_count = node.count("reviewCount").or_else(|| node.count("count"));
    let mut value = parsed.value;
    // The 0/0 sentinel ("No rating yet") is the absence of a rating, not a zero.
    if value == 0.0 && rating_count.unwrap_or(0.0) == 0.0 && review_count.unwrap_or(0.0) == 0.0 {
        return None;
    }
    let (best, scale_defaulted) = match explicit_best.or(parsed.best_hint) {
        Some(best) => (best, false),
        None if value <= 5.0 => (5.0, true),
        None if value <= 10.0 => (10.0, true),
        None => (100.0, true),
    };
    // "4,321" read as thousands cannot be a rating on this scale: the comma was decimal.
    if value > best && raw.contains(',') {
        value = parse_rating(&raw.replace(',', ".")).map_or(value, |r| r.value);
    }
    let worst = explicit_worst.unwrap_or(if (best - 5.0).abs() < f64::EPSILON {
        1.0
    } else {
        0.0
    });
    let judged = plausible::judge(&Stated {
        value,
        best,
        worst,
        rating_count,
        review_count,
    });
    let employer = node.has_type("EmployerAggregateRating");
    let entity_types: Vec<Name> = entity.map(|e| e.types.clone()).unwrap_or_default();
    let bucket = if employer {
        Bucket::Employer
    } else if is_organization(&entity_types) {
        Bucket::Company
    } else {
        Bucket::Product
    };
    // The legacy Google vocabulary is told apart by its type name, whatever syntax carried it.
    let syntax = if node.has_type("Review-aggregate") {
        Syntax::DataVocabulary
    } else {
        syntax
    };
    let described = Entity {
        kind: entity_types.first().map(ToString::to_string),
        name: entity
            .and_then(|e| e.text("name").or_else(|| e.text("fn")))
            .or_else(|| {
                // data-vocabulary's `itemreviewed` is often plain text.
                node.text("itemreviewed")
                    .or_else(|| node.text("itemReviewed"))
            }),
        url: entity.and_then(|e| {
            e.text("url")
                .or_else(|| e.id.as_deref().map(str::to_string))
        }),
    };
    let (rating_count, review_count) = match judged {
        Ok(counts) => counts,
        Err(reason) => {
            return Some(Err(InvalidRating {
                syntax,
                entity: described,
                bucket,
                reason,
            }));
        }
    };
    Some(Ok(Rating {
        syntax,
        entity: described,
        bucket,
        value,
        best,
        worst,
        scale_defaulted,
        rating_count,
        review_count,
        reply_rate: None,
        avg_reply_days: None,
        latest_review: entity.and_then(|e| latest_review(graph, e)),
        distribution: None,
    }))
}

/// The newest `datePublished` among an entity's reviews, as `YYYY-MM-DD`.
fn latest_review(graph: &Graph, entity: &Node) -> Option<String> {
    entity
        .values("review")
        .filter_map(|v| match v {
            Val::Node(review) => graph.get(*review).text("datePublished"),
            Val::Text(_) | Val::Number(_) => None,
        })
        .filter_map(|date| iso_date(&date))
        .max()
}

/// The date part of an ISO 8601 date or date-time, validated.
pub fn iso_date(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names() {
        for (raw, want) in [
            ("http://schema.org/AggregateRating", "AggregateRating"),
            ("https://schema.org/ratingValue", "ratingValue"),
            ("schema:ratingValue", "ratingValue"),
            ("v:average", "average"),
            (
                "http://data-vocabulary.org/Review-aggregate",
                "Review-aggregate",
            ),
            ("ratingValue", "ratingValue"),
        ] {
            assert_eq!(local_name(raw), want);
        }
    }
}
