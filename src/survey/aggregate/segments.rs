//! Scores per role, shown only for roles with enough respondents to stay anonymous.

use super::{
    GAP, Options, QuestionStats, SEGMENT_MINIMUM, SegmentScore, by_question, question_stats,
};
use crate::stats::weighted_mean;
use crate::survey::answers::AnswerRow;
use crate::survey::questionnaire::Questionnaire;
use crate::verdict::{Finding, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// Scores per role, only for roles with enough respondents to stay anonymous.
pub(super) fn segment_scores(
    q: &Questionnaire,
    rows: &[&AnswerRow],
    options: Options,
    findings: &mut Vec<Finding>,
) -> Vec<SegmentScore> {
    let mut by_segment: BTreeMap<&str, Vec<&AnswerRow>> = BTreeMap::new();
    for row in rows {
        if let Some(segment) = row.segment.as_deref() {
            by_segment.entry(segment).or_default().push(row);
        }
    }
    if by_segment.len() < 2 {
        return Vec::new();
    }
    let mut visible = Vec::new();
    let mut hidden = 0;
    for (segment, seg_rows) in &by_segment {
        let respondents = seg_rows
            .iter()
            .map(|r| &*r.respondent)
            .collect::<BTreeSet<_>>()
            .len();
        if respondents < SEGMENT_MINIMUM {
            hidden += 1;
            continue;
        }
        let mut ignored = Vec::new();
        let grouped = by_question(seg_rows);
        let stats: Vec<QuestionStats> = q
            .questions()
            .map(|qq| question_stats(qq, &grouped, options, &mut ignored))
            .collect();
        let score = weighted_mean(
            q.questions()
                .zip(&stats)
                .filter_map(|(qq, s)| s.mean_score.map(|m| (m, qq.weight))),
        );
        visible.push((
            SegmentScore {
                segment: (*segment).to_string(),
                respondents,
                score: score.map(|s| (s * 10.0).round() / 10.0),
            },
            stats,
        ));
    }
    if hidden > 0 {
        findings.push(Finding::new(crate::verdict::Code::SmallSegmentsHidden,
            Severity::Info,
            format!("{hidden} role(s) with fewer than {SEGMENT_MINIMUM} respondents are not shown separately (anonymity)."),
            "Invite more people from those roles if their view matters on its own.",
        ));
    }
    // A gap between two visible roles on one item is the classic finding (service has the knowledge base, sales not).
    for (i, (a, a_stats)) in visible.iter().enumerate() {
        for (b, b_stats) in &visible[i + 1..] {
            for (sa, sb) in a_stats.iter().zip(b_stats) {
                if let (Some(x), Some(y)) = (sa.mean_score, sb.mean_score)
                    && (x - y).abs() >= GAP * 100.0
                {
                    findings.push(
                        Finding::new(
                            crate::verdict::Code::SegmentsDisagree,
                            Severity::Warn,
                            format!(
                                "{}: {} scores {x:.0}, {} scores {y:.0}.",
                                sa.id, a.segment, b.segment,
                            ),
                            "Find out what one role has that the other lacks, and share it.",
                        )
                        .about(format!("{}/{}/{}", sa.id, a.segment, b.segment)),
                    );
                }
            }
        }
    }
    visible.into_iter().map(|(s, _)| s).collect()
}
