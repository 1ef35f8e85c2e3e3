//! Markdown for CI job summaries and pull-request comments. Everything that
//! came from outside (names, findings, evidence) is escaped, so a scraped
//! string cannot inject markup, links or HTML into a PR page.

use super::model::Grade;
use super::presentation::Notes;
use super::sanitize::code_span;
use super::{CHANNEL_HEADER, Report, channel_rows, grade_text, key_metric, score_text};

pub fn render(report: &Report, baseline: Option<&Report>, notes: &Notes) -> Vec<u8> {
    let mut out = String::new();
    let grade = grade_text(report);
    let overall_delta = baseline.map_or_else(String::new, |b| {
        format!(" {}", delta(report.score, b.score))
    });
    out.push_str(&format!(
        "## Customer-centricity audit: {}\n\n**Overall {}**{overall_delta} ({grade}){}\n\n",
        escape(&report.audit.name),
        score_text(report.score),
        if report.complete {
            ""
        } else {
            " — **incomplete**: some checks could not be measured"
        }
    ));
    out.push_str(&about(report));
    if let Some(summary) = &notes.summary {
        out.push_str(&note(summary));
    }
    let (delta_head, delta_rule) = if baseline.is_some() {
        (" Δ |", "---:|")
    } else {
        ("", "")
    };
    out.push_str(&format!(
        "| Category | Score |{delta_head} Coverage | Grade |\n|---|---:|{delta_rule}---:|---|\n"
    ));
    for c in &report.categories {
        let change = baseline.map_or_else(String::new, |b| {
            let before = b
                .categories
                .iter()
                .find(|x| x.id == c.id)
                .and_then(|x| x.score);
            format!(" {} |", delta(c.score, before))
        });
        out.push_str(&format!(
            "| {} | {} |{change} {:.0}% | {} |\n",
            escape(&c.title),
            score_text(c.score),
            c.coverage * 100.0,
            c.score
                .map_or("not assessed", |s| Grade::for_score(s).as_str())
        ));
    }
    let channels = channel_rows(report);
    if !channels.is_empty() {
        out.push_str(&format!(
            "\n| {} |\n|---|---:|---:|---|---:|---|\n",
            CHANNEL_HEADER.join(" | ")
        ));
        for row in channels {
            let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out.push_str("\n| Check | Status | Score | Key metric |\n|---|---|---:|---|\n");
    for check in &report.checks {
        let metric = key_metric(check).unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            check_name(check, true),
            check.status.as_str(),
            score_text(check.score),
            escape(&metric)
        ));
    }
    let errors: Vec<String> = report
        .checks
        .iter()
        .filter_map(|c| {
            c.error
                .as_ref()
                .map(|e| format!("- {}: {}", check_name(c, false), escape(e)))
        })
        .collect();
    if !errors.is_empty() {
        out.push_str("\n### Could not be measured\n\n");
        out.push_str(&errors.join("\n"));
        out.push('\n');
    }
    out.push_str(&by_category(report, notes));
    out.push_str(GLOSSARY);
    out.into_bytes()
}

/// Where, when, by whom, then what to do first: the top actions by the points they recover.
fn about(report: &Report) -> String {
    let audit = &report.audit;
    let mut facts = vec![audit.started_at.format("%-d %B %Y").to_string()];
    facts.extend(audit.site.as_deref().map(escape));
    facts.extend(
        audit
            .auditor
            .as_deref()
            .map(|a| format!("by {}", escape(a))),
    );
    facts.push(format!("centricity {}", escape(&report.tool.version)));
    let mut out = format!("{}\n\n", facts.join(" · "));
    if let Some(review) = &report.actions {
        out.push_str(&action_plan(review));
    }
    let actions = super::top_actions(report, 5);
    if !actions.is_empty() {
        out.push_str("### Top actions\n\n");
        for (i, action) in actions.iter().enumerate() {
            out.push_str(&format!(
                "{}. **+{:.1} points**: {} — {}\n",
                i + 1,
                action.points,
                escape(&action.title),
                escape(&action.recommendation)
            ));
        }
        out.push('\n');
    }
    out
}

/// Per category, the consultant's note and the warnings and failures, the most severe first.
fn by_category(report: &Report, notes: &Notes) -> String {
    let mut out = String::new();
    let found = super::findings_by_category(report, |c| c.title.as_str());
    for category in &report.categories {
        let note_text = notes.by_category.get(&category.id);
        let warnings: Vec<_> = found
            .iter()
            .filter(|(c, _)| c.id == category.id)
            .flat_map(|(_, all)| all)
            .filter(|(_, f)| f.severity > super::model::Severity::Info)
            .collect();
        if note_text.is_none() && warnings.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n\n", escape(&category.title)));
        if let Some(text) = note_text {
            out.push_str(&note(text));
        }
        for (from, f) in warnings {
            out.push_str(&format!(
                "- **{}** {}: {} — {}\n",
                f.severity.as_str(),
                escape(from),
                escape(&f.message),
                escape(&f.recommendation)
            ));
        }
    }
    out
}

/// A check as a reader names it: its title, its id beside it as code when the file gave one.
fn check_name(check: &super::model::CheckReport, in_table: bool) -> String {
    if check.title == check.id {
        code_span(&check.id, in_table)
    } else {
        format!(
            "{} {}",
            escape(&check.title),
            code_span(&check.id, in_table)
        )
    }
}

/// The consultant's words as quoted paragraphs, escaped.
fn note(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("> {}\n", escape(p)))
        .collect();
    format!("{}\n", paragraphs.join(">\n"))
}

/// The few words of the trade a reader meets above, explained once.
const GLOSSARY: &str = "\n---\n*Coverage*: the share of the audit (by weight) that could be measured; below 60% the grade is provisional. \
*Confidence*: high from 80% coverage in a complete run, medium from 60%, low below. \
*Agreement* (r_wg for scales, consensus for yes/no): 1 when all respondents agree; below about 0.5 they do not share a view. \
*Points*: how much the overall score would rise if that check reached 100.\n";

/// A change in points, `+3.2`, `−1.0`, `±0`, or `new` when there was nothing before.
fn delta(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) if (n - b).abs() < 0.05 => "±0".into(),
        (Some(n), Some(b)) if n > b => format!("+{:.1}", n - b),
        (Some(n), Some(b)) => format!("−{:.1}", b - n),
        (Some(_), None) => "new".into(),
        (None, _) => "—".into(),
    }
}

/// The plan read against the run: what was done and confirmed, what was marked done but is
/// still measured (bold), what is overdue (bold), what is new.
fn action_plan(review: &super::model::ActionsReview) -> String {
    let mut out = format!(
        "\n### Action plan\n\n{}\n\n| Action | Status | Owner | Due | This audit |\n|---|---|---|---|---|\n",
        escape(&review.summary())
    );
    for item in &review.items {
        let verdict = item.verdict.words();
        let verdict = match item.verdict {
            super::model::ActionVerdict::NotConfirmed => format!("**{verdict}**"),
            _ => verdict.to_string(),
        };
        let due = item.due.map(|d| d.to_string()).unwrap_or_default();
        let due = if item.overdue {
            format!("**{due} overdue**")
        } else {
            due
        };
        out.push_str(&format!(
            "| {} | {} | {} | {due} | {verdict} |\n",
            escape(&item.id),
            item.status.as_str(),
            escape(&item.owner),
        ));
    }
    out
}

/// Escapes Markdown and HTML specials and folds line breaks, for text inside
/// tables and list items.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Markdown is read in terminals and logs too: control characters are shown, not obeyed.
    for ch in super::sanitize::terminal(text).chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn outside_text_cannot_inject_markup() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(
            escape("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(escape("[click](http://x)"), "\\[click\\](http://x)");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
