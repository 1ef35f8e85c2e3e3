//! `centricity checks [ID]`: what the tool can measure and how it judges it.

use crate::benchmarks::{self, Benchmark};
use crate::exit::Exit;
use crate::extract::profile::Profiles;
use crate::kind::{KindCategory, KindInfo};
use crate::kinds::{KINDS, find_kind};
use crate::report::model::human_seconds;

pub fn run(id: Option<&str>) -> Exit {
    let benchmarks = benchmarks::shipped();
    let Some(id) = id else {
        print!("{}", list(benchmarks));
        return Exit::Ok;
    };
    if let Some(kind) = find_kind(id) {
        print!("{}", explain_kind(kind));
        return Exit::Ok;
    }
    if let Some(benchmark) = benchmarks
        .all()
        .find(|b| format!("{}.{}", b.family, b.channel) == id)
    {
        print!("{}", explain_benchmark(benchmark));
        return Exit::Ok;
    }
    eprintln!("error: no check kind or benchmark `{id}`; run `centricity checks` for the list");
    Exit::InvalidInput
}

fn list(benchmarks: &benchmarks::Benchmarks) -> String {
    let mut out = String::from("Check kinds (centricity checks KIND explains one):\n");
    // The longest name sets the column, so every summary starts in it.
    let name_width = KINDS.iter().map(|k| k.name.len()).max().unwrap_or(0);
    for kind in KINDS {
        let category = match kind.category {
            KindCategory::Fixed(category) => category.id(),
            KindCategory::PerCheck(_) => "set per check",
        };
        out.push_str(&format!(
            "  {:<name_width$} {}  [{category}]\n",
            kind.name, kind.summary
        ));
    }
    out.push_str("\nSite profiles for `reviews`, shipped in checks/sites/ (a folder of your own adds more):\n");
    for profile in Profiles::shipped().iter() {
        out.push_str(&format!(
            "  {:<12} {:<22} {}\n",
            profile.id,
            profile.name,
            profile.patterns().join(" ")
        ));
    }
    out.push_str(&format!(
        "\nChannel benchmarks, shipped in {}:\n",
        benchmarks::SHIPPED_PATH
    ));
    for b in benchmarks.all() {
        out.push_str(&format!(
            "  {:<16} scores 90 at {:<8} 50 at {:<8} {}\n",
            format!("{}.{}", b.family, b.channel),
            human_seconds(b.curve.p10),
            human_seconds(b.curve.median),
            b.measure
        ));
    }
    out
}

fn explain_kind(kind: &KindInfo) -> String {
    format!(
        "{name}: {summary}\n\nCategory: {category}\nKeys: {keys} (and id, kind, title, weight, timeout)\n\n\
         Why it matters\n  {motivation}\n\nWhat is measured\n  {measures}\n\nHow it is scored\n  {scoring}\n\n\
         How to improve\n  {improve}\n",
        name = kind.name,
        summary = kind.summary,
        category = kind.category.describe(),
        keys = kind.keys.join(", "),
        motivation = kind.motivation,
        measures = kind.measures,
        scoring = kind.scoring,
        improve = kind.improve,
    )
}

fn explain_benchmark(b: &Benchmark) -> String {
    format!(
        "{}.{}: {}\n\nScores 90 at {} and 50 at {} (log-normal curve).\nSource: {}\n",
        b.family,
        b.channel,
        b.measure,
        human_seconds(b.curve.p10),
        human_seconds(b.curve.median),
        b.source
    )
}
