//! Finding codes: what a finding is about, in kebab-case, stable across runs and versions, so
//! an action plan names the same finding in every audit (`<check id>/<code>`) and a dashboard
//! counts them without reading messages. A code is never renamed or reused; one that no kind
//! raises any more stays listed until stored plans cannot name it.

macro_rules! codes {
    ($( $variant:ident = $id:literal : $meaning:literal, )*) => {
        /// Every code the shipped kinds and the scoring raise (plug-ins bring their own).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[$( Code::$variant, )*];

            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// What the finding means, for `centricity checks KIND`.
            pub fn meaning(self) -> &'static str {
                match self { $( Code::$variant => $meaning, )* }
            }
        }
    };
}

codes! {
    NoContactOption = "no-contact-option": "no e-mail, phone, form, chat or messaging option was found",
    ContactTooDeep = "contact-too-deep": "the contact options are more than one click from the home page",
    SingleChannel = "single-channel": "only one direct channel is offered",
    NoHelpCentre = "no-help-centre": "no help centre or FAQ is linked",
    PageDisallowed = "page-disallowed": "a page that may hold contact options is closed to robots",
    PagesUnreadable = "pages-unreadable": "pages could not be read, so their options are not counted",
    OutOfTime = "out-of-time": "the check's time ran out before every page was read",
    FailedSamples = "failed-samples": "requests to the address failed, answered an error or lacked the expected content",
    SourceUnreadable = "source-unreadable": "a review source could not be read",
    ImpossibleRating = "impossible-rating": "a rating that cannot be true was left out",
    SelfPublishedRatings = "self-published-ratings": "ratings on the company's own site, shown but not scored",
    NoRatingFound = "no-rating-found": "no rating of the company was found",
    UnansweredNegativeReviews = "unanswered-negative-reviews": "negative reviews on a platform go unanswered",
    ManyOneStar = "many-one-star": "a large share of a platform's reviews give one star",
    SlowReviewReplies = "slow-review-replies": "replies to reviews on a platform take days",
    LowRating = "low-rating": "the combined rating is low",
    FewRatings = "few-ratings": "too few ratings for the rating to stand on its own",
    StaleReviews = "stale-reviews": "a platform's newest review is old",
    SourcesDisagree = "sources-disagree": "review platforms' ratings differ widely",
    AutomaticConfirmationOnly = "automatic-confirmation-only": "only the site's automatic confirmation was timed, not a person's answer",
    NoConfirmation = "no-confirmation": "the page after sending the form shows no confirmation",
    FormBehindChallenge = "form-behind-challenge": "the form is behind a bot challenge and was not sent",
    FormRejected = "form-rejected": "the form did not accept the message",
    ProbesPending = "probes-pending": "probes are still within their wait for a person's answer",
    ProbeBounced = "probe-bounced": "a probe bounced: the address did not accept it",
    NoAcknowledgement = "no-acknowledgement": "no automatic acknowledgement came back",
    FirstContactResolution = "first-contact-resolution": "how many contacts on a channel were resolved on that contact",
    ChannelWithoutBenchmark = "channel-without-benchmark": "a channel has no benchmark curve, so its contacts are not scored",
    UnansweredContacts = "unanswered-contacts": "contacts on a channel went unanswered",
    SlowChannel = "slow-channel": "a channel answers slower than the benchmark median",
    ImportNotes = "import-notes": "the survey export did not match the questionnaire everywhere",
    SmallSegmentsHidden = "small-segments-hidden": "roles with too few respondents are not shown apart",
    SegmentsDisagree = "segments-disagree": "two roles score a section far apart",
    InterviewSurveyDisagree = "interview-survey-disagree": "the interview and the survey score a section far apart",
    SectionUnscored = "section-unscored": "a section had too few answers to score",
    LowSection = "low-section": "a section scores low",
    TooFewRespondents = "too-few-respondents": "too few respondents to score",
    RespondentsDisagree = "respondents-disagree": "respondents disagree on a question",
    LowAwareness = "low-awareness": "many answered \"don't know\" to a question",
    NotAssessed = "not-assessed": "no check of the audit measures the category",
    NothingMeasured = "nothing-measured": "nothing in the category could be measured in this run",
    PartialCoverage = "partial-coverage": "the category was scored on part of its check weight",
    SingleChannelAnswered = "single-channel-answered": "fewer than two channels answered, so responsiveness is capped",
}

/// Whether `text` is a code: kebab-case ASCII (`a-z`, digits, single hyphens inside), at most
/// 64 characters; what a plug-in's `code` must be.
pub fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(is_code(code.id()), "{}", code.id());
            assert!(seen.insert(code.id()), "{} twice", code.id());
        }
        for bad in ["", "Low", "a--b", "-a", "a-", "a b", "é"] {
            assert!(!is_code(bad), "{bad}");
        }
    }
}
