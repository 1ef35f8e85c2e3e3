//! `email`: a tagged question sent to the support address (`centricity probe
//! send`), then, at each `centricity audit`, the replies that arrived are read
//! from the auditor's mailbox, matched to the probe and classified as bounce,
//! automatic, newsletter or human, with the reasons recorded (`kind::reply_probe`,
//! which a `web-form` answered by mail shares).

pub mod probe;

use std::time::Duration;

use toml_span::de_helpers::TableHelper;

use crate::benchmarks::Benchmarks;
use crate::category::Category;
use crate::channel::Channel;
use crate::kind::reply_probe::{self, EmailObservation, Mailbox, signals};
use crate::kind::{
    CheckError, CollectContext, Kind, KindCategory, KindInfo, LoadContext, ProbeError, ProbeSent,
    Scored,
};
use crate::net::mail::{Account, Security};
use crate::spanned::at;
use crate::spanned::{DurationValue, read_table};
use std::future::Future;

/// The `email` kind.
pub struct Email;

impl Kind for Email {
    const INFO: KindInfo = KindInfo {
        name: "email",
        summary: "A question e-mailed to customer service, and how fast a person answers it.",
        category: KindCategory::Fixed(Category::Responsiveness),
        keys: &[
            "to",
            "from",
            "subject",
            "body",
            "smtp { host, port, user, password_env, tls }",
            "imap { … }",
            "mailbox",
            "wait",
            "signals",
        ],
        motivation: "E-mail is the channel customers use for anything that needs a written answer, and the one \
                     most often left unanswered.",
        measures: "`centricity probe send` sends a uniquely tagged question and records it in the history store; \
                   each audit reads the replies from the IMAP mailbox (matched by In-Reply-To/References, the \
                   plus-address token or the subject token) and judges each one bounce, automatic, newsletter or a \
                   person by the signals of checks/replies.toml (plus the check's own `signals` file), timing them by \
                   the server's receive time. Metrics email.first_human_response_median, email.response_rate, \
                   email.contacts, email.first_reply_median, email.first_automatic_median, email.replies.",
        scoring: "Time to the first human reply on the contact.email curve; within `wait` with no human reply a \
                  probe is pending (neither 0 nor an error); past it, 0 with a finding. Automatic \
                  acknowledgements are reported, not counted as answers.",
        improve: "Answer e-mails within the hour in business hours, acknowledge automatically with a reference \
                  and a promise of when, and never leave one unanswered.",
        report_note: None,
        file_columns: &[],
        findings: &[crate::kind::REPLY_PROBE_CODES],
    };
    type Params = Params;
    type Observation = EmailObservation;

    fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
        parse(th, ctx)
    }

    fn collect(
        params: &Params,
        ctx: &CollectContext,
    ) -> impl Future<Output = Result<EmailObservation, CheckError>> + Send {
        reply_probe::collect(&params.mailbox, ctx, Channel::EMAIL)
    }

    fn score(_params: &Params, observation: &EmailObservation, benchmarks: &Benchmarks) -> Scored {
        reply_probe::score::score(observation, benchmarks)
    }

    fn networked(_params: &Params) -> bool {
        true
    }

    fn channel(_params: &Params) -> Option<Channel> {
        Some(Channel::EMAIL)
    }

    fn waits_for_replies(_params: &Params) -> bool {
        true
    }

    fn mailbox(params: &Params) -> Option<&Mailbox> {
        Some(&params.mailbox)
    }

    async fn send_probe(
        params: &Params,
        token: &str,
        _ctx: &CollectContext,
    ) -> Option<Result<ProbeSent, ProbeError>> {
        Some(
            probe::send(params, token)
                .await
                .map(|message_id| ProbeSent {
                    sent_to: params.to.clone(),
                    message_id,
                    note: String::new(),
                })
                .map_err(ProbeError::Mail),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub smtp: Account,
    /// Where the answers arrive (`from`, `imap`, `mailbox`, `wait`, `signals`).
    pub mailbox: Mailbox,
}

const DEFAULT_SUBJECT: &str = "Question about my contract";
const DEFAULT_BODY: &str = "Hello,\n\nI would like to move my contract to a new address next month. What do I need to do, \
     and will it change my price?\n\nThank you.";

fn parse(th: &mut TableHelper<'_>, ctx: &mut LoadContext<'_>) -> Option<(Category, Params)> {
    let to = th.required_s::<String>("to").ok();
    let from = th.required_s::<String>("from").ok();
    let subject = th
        .optional::<String>("subject")
        .unwrap_or_else(|| DEFAULT_SUBJECT.into());
    let body = th
        .optional::<String>("body")
        .unwrap_or_else(|| DEFAULT_BODY.into());
    let folder = th
        .optional::<String>("mailbox")
        .unwrap_or_else(|| "INBOX".into());
    let wait = th
        .optional::<DurationValue>("wait")
        .map_or(Duration::from_secs(48 * 3600), |d| d.0);
    let smtp = account(th, Server::Smtp);
    let imap = account(th, Server::Imap);
    let signals = match th.optional_s::<String>("signals") {
        None => Some(signals::Rules::shared_shipped().clone()),
        Some(file) => signals::Rules::shipped_and(&ctx.resolve(&file.value))
            .map(std::sync::Arc::new)
            .map_err(|err| ctx.referenced.push(err))
            .ok(),
    };
    for address in [&to, &from].into_iter().flatten() {
        if !address.value.contains('@') {
            th.errors.extend(
                at(
                    format!("`{}` is not an e-mail address", address.value),
                    address,
                )
                .errors,
            );
        }
    }
    Some((
        Category::Responsiveness,
        Params {
            to: to?.value,
            subject,
            body,
            smtp: smtp?,
            mailbox: Mailbox {
                from: from?.value,
                imap: imap?,
                folder,
                wait,
                signals: signals?,
            },
        },
    ))
}

/// The mail servers a probe uses: it sends over SMTP and reads the replies over IMAP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Smtp,
    Imap,
}

impl Server {
    /// The check's table for the server's account.
    fn key(self) -> &'static str {
        match self {
            Server::Smtp => "smtp",
            Server::Imap => "imap",
        }
    }
}

fn account(th: &mut TableHelper<'_>, server: Server) -> Option<Account> {
    let Some((_, mut table)) = th.take(server.key()) else {
        // Asked for as a plain key, the missing table is reported at the check's place.
        let _ = th.required::<String>(server.key());
        return None;
    };
    read_table(&mut table, &mut th.errors, |t| {
        // Every key is read before any is judged, so all problems surface at once.
        let host = t.required::<String>("host").ok();
        let port = t.required::<u16>("port").ok();
        let user = t.required::<String>("user").ok();
        let password_env = t.required_s::<String>("password_env").ok();
        let tls = t.optional_s::<String>("tls");
        let mut problems = Vec::new();
        if let Some(name) = password_env.as_ref().filter(|name| {
            name.value.is_empty()
                || !name
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            problems.push(at(
                "`password_env` names an environment variable, such as AUDIT_SMTP_PASSWORD",
                name,
            ));
        }
        let loopback = host
            .as_deref()
            .is_some_and(|h| matches!(h, "127.0.0.1" | "localhost" | "::1"));
        let security = match tls.as_ref().map(|s| s.value.as_str()) {
            None | Some("tls") => Some(Security::Tls),
            Some("starttls") if server == Server::Smtp => Some(Security::StartTls),
            Some("none") if loopback => Some(Security::None),
            Some(other) => {
                let message = match other {
                    "none" => "`tls = \"none\"` sends passwords in clear: allowed on loopback only",
                    "starttls" => {
                        "IMAP is read over TLS from the start (`tls = \"tls\"`, port 993)"
                    }
                    _ => "`tls` is \"tls\", \"starttls\" or \"none\"",
                };
                problems.extend(tls.as_ref().map(|value| at(message, value)));
                None
            }
        };
        let valid = problems.is_empty();
        t.errors.extend(problems.into_iter().flat_map(|p| p.errors));
        Some(Account {
            host: host?,
            port: port?,
            user: user?,
            password_env: password_env?.value,
            security: security?,
        })
        .filter(|_| valid)
    })
    .flatten()
}
