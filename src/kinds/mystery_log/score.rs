//! Scoring a mystery-shopping log: its contacts, as every contact is scored, each named in
//! the evidence by its row in the log.

use super::MysteryLogObservation;
use crate::benchmarks::Benchmarks;
use crate::kind::{Scored, score_contacts};

pub fn score(observation: &MysteryLogObservation, benchmarks: &Benchmarks) -> Scored {
    score_contacts(&observation.contacts, benchmarks, |c| {
        format!("{} row {} ({})", observation.file, c.row, c.contact_id)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{MysteryLog, Params};
    use super::*;
    use crate::kind::contacts::Outcome;
    use crate::kind::contacts::tests::contact;
    use crate::kind::{Contact, Kind};

    /// Scores one mystery-log check over `contacts`, as the registry dispatches it.
    fn score_log(contacts: Vec<Contact>) -> Scored {
        let params = Params {
            file: "log.csv".into(),
            contacts: vec![],
        };
        let observation = MysteryLogObservation {
            file: "log.csv".into(),
            contacts,
        };
        MysteryLog::score(&params, &observation, crate::benchmarks::shipped())
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 0.051)
    }

    #[test]
    fn mystery_log_counts_unanswered_contacts_as_zero() {
        // Phone p10 is 20 s (scores 90); the second call never reached a person.
        let contacts = vec![
            contact("phone", "P1", Some(20)),
            contact("phone", "P2", None),
        ];
        let check = score_log(contacts);
        assert!(close(check.score, 45.0), "{:?}", check.score);
        let metric = |name: &str| {
            check
                .metrics
                .iter()
                .find(|m| m.name == name)
                .map(|m| m.value)
        };
        assert_eq!(metric("phone.contacts"), Some(2.0));
        assert_eq!(metric("phone.response_rate"), Some(0.5));
        assert_eq!(metric("phone.first_human_response_median"), Some(20.0));
        assert!(
            check
                .findings
                .iter()
                .any(|f| f.message == "1 of 2 phone contacts never reached a person.")
        );
        assert_eq!(check.evidence.len(), 2);
        assert_eq!(check.evidence[0].source, "log.csv row 2 (P1)");
    }

    #[test]
    fn resolution_rate_is_reported_per_channel_from_the_outcomes() {
        let with = |id: &str, outcome: Option<Outcome>| Contact {
            outcome,
            ..contact("phone", id, Some(20))
        };
        let contacts = vec![
            with("P1", Some(Outcome::Resolved)),
            with("P2", Some(Outcome::PartiallyResolved)),
            with("P3", Some(Outcome::Unresolved)),
            with("P4", Some(Outcome::Resolved)),
            // Not a resolution outcome: not counted either way.
            with("P5", Some(Outcome::Callback)),
            with("P6", None),
        ];
        let check = score_log(contacts);
        let rate = check
            .metrics
            .iter()
            .find(|m| m.name == "phone.resolution_rate")
            .map(|m| m.value);
        assert_eq!(rate, Some(0.5));
        // Below the usual 70 %: said; the score is about people answering, so it does not move.
        assert!(
            check
                .findings
                .iter()
                .any(|f| f.message.contains("50 % of 4 contacts"))
        );
        assert!(close(check.score, 90.0), "{:?}", check.score);
        let none = score_log(vec![contact("chat", "C1", Some(30))]);
        assert!(
            none.metrics
                .iter()
                .all(|m| !m.name.ends_with("resolution_rate"))
        );
    }

    #[test]
    fn mystery_log_scores_each_channel_on_its_own_curve() {
        // E-mail at its median (12 h) scores 50; chat at its p10 (30 s) scores 90; mean 70.
        let contacts = vec![
            contact("email", "E1", Some(12 * 3600)),
            contact("chat", "C1", Some(30)),
        ];
        let check = score_log(contacts);
        assert!(close(check.score, 70.0), "{:?}", check.score);
        assert_eq!(check.answered_channels().len(), 2);
    }
}
