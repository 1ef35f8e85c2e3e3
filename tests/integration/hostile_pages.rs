//! Page shapes that attack rating extraction, each scaled by `n`. Shared by
//! the hostile-input tests and `benches/hostile.rs` (included there by path),
//! so the benchmark measures exactly what the tests guard.

/// A rating a correct extractor still finds beside the attack: 4.2 from 17.
pub const CONTROL_RATING: &str = r#"<div itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Control Ltd</span><div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating"><span itemprop="ratingValue">4.2</span><span itemprop="ratingCount">17</span></div></div>"#;

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html><head><title>hostile</title></head><body>{CONTROL_RATING}{body}</body></html>"
    )
}

/// `n` nested `<div>`s: html5ever's scope checks make this quadratic unless the depth is capped.
pub fn deep_nesting(n: usize) -> String {
    page(&format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)))
}

/// An `itemprop="name"` element holding `n` nested `<div>`s: a recursive property walk overflows the stack.
pub fn deep_property(n: usize) -> String {
    page(&format!(
        r#"<div itemscope itemtype="https://schema.org/Product"><div itemprop="name">{}deep{}</div></div>"#,
        "<div>".repeat(n),
        "</div>".repeat(n)
    ))
}

/// `levels` nested items each naming three properties: copying values makes the work 3^levels.
pub fn multi_property_microdata(levels: usize) -> String {
    let open = r#"<div itemscope itemtype="https://schema.org/Thing" itemprop="aggregateRating review author"><span itemprop="name">a</span>"#;
    page(&format!(
        r#"<div itemscope itemtype="https://schema.org/Organization">{}{}</div>"#,
        open.repeat(levels),
        "</div>".repeat(levels)
    ))
}

/// The same shape in RDFa.
pub fn multi_property_rdfa(levels: usize) -> String {
    let open = r#"<div typeof="Thing" property="aggregateRating review author"><span property="name">a</span>"#;
    page(&format!(
        r#"<div vocab="https://schema.org/" typeof="Organization">{}{}</div>"#,
        open.repeat(levels),
        "</div>".repeat(levels)
    ))
}

/// A JSON-LD graph where each node refers to the next one twice: copying references is 2^levels.
pub fn reference_chain(levels: usize) -> String {
    let nodes: Vec<String> = (0..levels)
        .map(|i| {
            format!(
                r##"{{"@id":"#n{i}","@type":"Thing","name":"n{i}","a":{{"@id":"#n{next}"}},"b":{{"@id":"#n{next}"}}}}"##,
                next = i + 1
            )
        })
        .collect();
    page(&format!(
        r##"<script type="application/ld+json">{{"@graph":[{{"@type":"Organization","name":"Chain","subOrganization":{{"@id":"#n0"}}}},{}]}}</script>"##,
        nodes.join(",")
    ))
}

/// `n` items whose `itemref` lists a block of `n` properties ten times over: reading the block per
/// reference is 10·n² steps.
pub fn itemref_fanout(n: usize) -> String {
    let ids = "block ".repeat(10);
    let items =
        format!(r#"<div itemscope itemtype="https://schema.org/Thing" itemref="{ids}"></div>"#)
            .repeat(n);
    let block = format!(
        r#"<div id="block">{}</div>"#,
        r#"<span itemprop="name">b</span>"#.repeat(n)
    );
    page(&format!("{block}{items}"))
}

/// JSON-LD written with typographic quotes, repeated: the repairs must not slice inside a character.
pub fn typographic_quotes(n: usize) -> String {
    page(&format!(
        r#"<script type="application/ld+json">{}</script>"#,
        "{“@type”: “Organization”, “name”: “Ünïcødé”,}".repeat(n)
    ))
}

/// The shapes, by name.
pub const SHAPES: [&str; 7] = [
    "deep-nesting",
    "deep-property",
    "multi-property-microdata",
    "multi-property-rdfa",
    "reference-chain",
    "itemref-fanout",
    "typographic-quotes",
];

/// One shape at scale `n`, with `n` = 1 chosen per shape to be already an attack on a naive
/// extractor.
pub fn page_of(shape: &str, n: usize) -> Option<String> {
    Some(match shape {
        "deep-nesting" => deep_nesting(2_000 * n),
        "deep-property" => deep_property(5_000 * n),
        "multi-property-microdata" => multi_property_microdata(14 * n),
        "multi-property-rdfa" => multi_property_rdfa(14 * n),
        "reference-chain" => reference_chain(30 * n),
        "itemref-fanout" => itemref_fanout(200 * n),
        "typographic-quotes" => typographic_quotes(10 * n),
        _ => return None,
    })
}

/// Every shape at scale `n`, named.
pub fn all(n: usize) -> Vec<(&'static str, String)> {
    SHAPES
        .iter()
        .filter_map(|shape| page_of(shape, n).map(|page| (*shape, page)))
        .collect()
}
