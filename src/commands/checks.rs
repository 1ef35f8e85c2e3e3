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

/// The list fits 80 columns, the narrowest terminal people still use.
const WIDTH: usize = 80;

fn list(benchmarks: &benchmarks::Benchmarks) -> String {
    let kinds: Vec<Vec<String>> = KINDS
        .iter()
        .map(|kind| {
            let category = match kind.category {
                KindCategory::Fixed(category) => category.id(),
                KindCategory::PerCheck(_) => "set per check",
            };
            vec![kind.name.into(), format!("{} [{category}]", kind.summary)]
        })
        .collect();
    let profiles: Vec<Vec<String>> = Profiles::shipped()
        .iter()
        .map(|profile| {
            vec![
                profile.id.clone(),
                profile.name.clone(),
                profile.patterns().join(" "),
            ]
        })
        .collect();
    let curves: Vec<Vec<String>> = benchmarks
        .all()
        .map(|b| {
            vec![
                format!("{}.{}", b.family, b.channel),
                human_seconds(b.curve.p10),
                human_seconds(b.curve.median),
                b.measure.clone(),
            ]
        })
        .collect();
    [
        section("Check kinds (centricity checks KIND explains one):", &kinds),
        section(
            "Site profiles for `reviews`, in checks/sites/ (a folder of your own adds more):",
            &profiles,
        ),
        section(
            &format!(
                "Channel benchmarks, shipped in {}: the time that scores 90, the time that scores 50, what is timed:",
                benchmarks::SHIPPED_PATH
            ),
            &curves,
        ),
    ]
    .join("\n")
}

/// A heading, then its rows in columns: each cell but the last padded to its column's widest,
/// the last wrapped within `WIDTH`, its later lines under its first.
fn section(heading: &str, rows: &[Vec<String>]) -> String {
    let mut out = crate::text::wrap(heading, WIDTH).join("\n") + "\n";
    let fixed = rows
        .iter()
        .map(|row| row.len().saturating_sub(1))
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..fixed)
        .map(|i| {
            (rows.iter().filter_map(|row| row.get(i)))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let indent = 2 + widths.iter().map(|w| w + 2).sum::<usize>();
    for row in rows {
        let Some((last, cells)) = row.split_last() else {
            continue;
        };
        out.push_str("  ");
        for (cell, width) in cells.iter().zip(&widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        let lines = crate::text::wrap(last, WIDTH.saturating_sub(indent).max(20));
        out.push_str(&lines.join(&format!("\n{}", " ".repeat(indent))));
        out.push('\n');
    }
    out
}

/// A line wrapped within `WIDTH`.
fn line(text: &str) -> String {
    crate::text::wrap(text, WIDTH).join("\n")
}

/// A paragraph wrapped within `WIDTH`, its lines indented by two.
fn indented(text: &str) -> String {
    crate::text::wrap(text, WIDTH - 2).join("\n  ")
}

fn explain_kind(kind: &KindInfo) -> String {
    let columns = if kind.file_columns.is_empty() {
        String::new()
    } else {
        let rows: Vec<Vec<String>> = (kind.file_columns.iter())
            .map(|c| {
                let need = if c.required { "required" } else { "optional" };
                vec![c.name.to_string(), need.to_string(), c.meaning.to_string()]
            })
            .collect();
        format!(
            "\n{}",
            section("Columns of its file (CSV, a header row first)", &rows)
        )
    };
    let text = format!(
        "{heading}\n\n{category}\n{keys}\n\n\
         Why it matters\n  {motivation}\n\nWhat is measured\n  {measures}\n\nHow it is scored\n  {scoring}\n\n\
         How to improve\n  {improve}\n",
        heading = line(&format!("{}: {}", kind.name, kind.summary)),
        category = line(&format!("Category: {}", kind.category.describe())),
        keys = line(&format!(
            "Keys: {} (and id, kind, title, weight, timeout)",
            kind.keys.join(", ")
        )),
        motivation = indented(kind.motivation),
        measures = indented(kind.measures),
        scoring = indented(kind.scoring),
        improve = indented(kind.improve),
    );
    text + &columns + &codes(kind)
}

/// The finding codes a kind raises, with their meaning: what an action plan's ids are made of.
fn codes(kind: &KindInfo) -> String {
    let rows: Vec<Vec<String>> = kind
        .codes()
        .into_iter()
        .map(|code| vec![code.id().to_string(), code.meaning().to_string()])
        .collect();
    if rows.is_empty() {
        return format!(
            "\nFinding codes\n  {}\n",
            indented(
                "The plug-in's own: each finding's `code` (kebab-case); a finding without one is \
                 `finding-N`, its place among the plug-in's findings. An action's id is `<check id>/<code>`."
            )
        );
    }
    format!(
        "\n{}",
        section(
            "Finding codes (an action's id is `<check id>/<code>`, then `/<subject>` where one check raises a code for several things)",
            &rows
        )
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
