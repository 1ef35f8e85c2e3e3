//! The check kinds, one folder each, and the one list that registers them. Every kind is a
//! type implementing [`Kind`]; the list generates [`CheckParams`], [`Observation`], [`KINDS`]
//! and every dispatch, each an exhaustive `match`, so a kind that misses a part does not
//! compile. Adding a kind: its folder, one `mod` line and one line in `kinds!` below.

pub mod contact_reach;
pub mod email;
pub mod exec;
pub mod http;
pub mod mystery_log;
pub mod questionnaire;
pub mod reviews;
pub mod web_form;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use toml_span::DeserError;
use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::reply_probe::Mailbox;
use crate::kind::{
    CheckError, CollectContext, Kind, KindInfo, LoadContext, OtherCheck, ProbeError, ProbeSent,
    Scored, Sent,
};
use crate::verdict::ErrorCode;

/// Generates the closed enums and their dispatch from one list of `Variant => folder::Type`
/// lines, in the order `centricity checks` lists the kinds. A variant's name in kebab-case is
/// the kind's name, which tags its saved evidence; in snake case, its folder (`WebForm`,
/// `web-form`, `web_form/`): the registry's tests hold the three together.
macro_rules! kinds {
    ($($variant:ident => $folder:ident :: $unit:ident),+ $(,)?) => {
        kinds!(@generate $($variant => $folder, $folder::$unit),+);
    };
    (@generate $($variant:ident => $folder:ident, $kind:ty),+) => {
        /// Every kind the engine knows, in the order `centricity checks` lists them.
        pub const KINDS: &[&KindInfo] = &[$(&<$kind as Kind>::INFO),+];

        /// Each registry line: its variant, the kind's folder, and what the kind says it is.
        #[cfg(test)]
        const REGISTRY: &[(&str, &str, &KindInfo)] =
            &[$((stringify!($variant), stringify!($folder), &<$kind as Kind>::INFO)),+];

        /// A check's kind-specific settings, validated.
        #[derive(Debug, Clone, PartialEq)]
        pub enum CheckParams {
            $($variant(<$kind as Kind>::Params)),+
        }

        /// What a check saw, before any judgement. Saved as evidence (tagged by kind) so a
        /// run can be re-scored offline.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum Observation {
            $($variant(<$kind as Kind>::Observation)),+
        }

        impl CheckParams {
            /// Reads the keys of kind `name` from a `[[check]]` table; `None` for an unknown
            /// kind, `Some(None)` after the kind recorded problems.
            pub fn parse(
                name: &str,
                th: &mut TableHelper<'_>,
                ctx: &mut LoadContext<'_>,
            ) -> Option<Option<(Category, CheckParams)>> {
                $(if name == <$kind as Kind>::INFO.name {
                    return Some(<$kind as Kind>::parse(th, ctx)
                        .map(|(category, p)| (category, CheckParams::$variant(p))));
                })+
                None
            }

            pub fn kind(&self) -> &'static KindInfo {
                match self {
                    $(CheckParams::$variant(_) => &<$kind as Kind>::INFO),+
                }
            }

            /// Whether the check uses the network; such checks save their observations,
            /// and `--offline` reads them back instead.
            pub fn networked(&self) -> bool {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::networked(p)),+
                }
            }

            /// Whether collecting sends something to the company (see [`Kind::submits`]).
            pub fn submits(&self) -> bool {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::submits(p)),+
                }
            }

            /// Whether the check waits for replies to probes that `centricity probe send` sent.
            pub fn waits_for_replies(&self) -> bool {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::waits_for_replies(p)),+
                }
            }

            /// The channel the check measures, where it measures one.
            pub fn channel(&self) -> Option<Channel> {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::channel(p)),+
                }
            }

            /// The mailbox the check reads its answers from (see [`Kind::mailbox`]).
            pub fn mailbox(&self) -> Option<&Mailbox> {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::mailbox(p)),+
                }
            }

            /// Takes settings from another check of the audit (see [`Kind::link`]).
            pub fn link<'a>(&mut self, other: &dyn Fn(&str) -> OtherCheck<'a>) -> Result<(), DeserError> {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::link(p, other)),+
                }
            }

            /// Sends the check's probe (see [`Kind::send_probe`]).
            pub async fn send_probe(
                &self,
                token: &str,
                ctx: &CollectContext,
            ) -> Option<Result<ProbeSent, ProbeError>> {
                match self {
                    $(CheckParams::$variant(p) => <$kind as Kind>::send_probe(p, token, ctx).await),+
                }
            }

            /// Runs the check's collector.
            pub async fn collect(&self, ctx: &CollectContext) -> Result<Observation, CheckError> {
                match self {
                    $(CheckParams::$variant(p) => {
                        <$kind as Kind>::collect(p, ctx).await.map(Observation::$variant)
                    })+
                }
            }
        }

        impl Observation {
            pub fn kind(&self) -> &'static KindInfo {
                match self {
                    $(Observation::$variant(_) => &<$kind as Kind>::INFO),+
                }
            }

            /// What the observation sent to the company (see [`Kind::sent`]).
            pub fn sent(&self) -> Option<Sent> {
                match self {
                    $(Observation::$variant(o) => <$kind as Kind>::sent(o)),+
                }
            }

            /// The check's judgement of what it saw. Saved evidence of another kind (the
            /// check's kind was changed since) is the check's error.
            pub fn score(&self, params: &CheckParams, benchmarks: &Benchmarks) -> Scored {
                match (self, params) {
                    $((Observation::$variant(o), CheckParams::$variant(p)) => {
                        <$kind as Kind>::score(p, o, benchmarks)
                    })+
                    (observation, params) => Scored::error(ErrorCode::BadEvidence, format!(
                        "saved evidence is of kind `{}` but the check is `{}`: delete it and run online",
                        observation.kind().name,
                        params.kind().name
                    )),
                }
            }
        }
    };
}

kinds! {
    Http => http::Http,
    MysteryLog => mystery_log::MysteryLog,
    Email => email::Email,
    ContactReach => contact_reach::ContactReach,
    WebForm => web_form::WebForm,
    Reviews => reviews::Reviews,
    Questionnaire => questionnaire::Questionnaire,
    Exec => exec::Exec,
}

/// The README's table of kinds: name, what it measures, category.
pub fn markdown_table() -> String {
    // Cells are Markdown: a `|` would end the cell and `<channel>` would read as a tag.
    let cell = |text: &str| text.replace('|', "\\|").replace('<', "&lt;");
    let mut table = String::from("| kind | measures | category |\n| --- | --- | --- |\n");
    for kind in KINDS {
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            kind.name,
            cell(kind.measures),
            cell(&kind.category.describe())
        ));
    }
    table
}

pub fn find_kind(name: &str) -> Option<&'static KindInfo> {
    KINDS.iter().copied().find(|k| k.name == name)
}

pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}
