//! The e-mail probe against a real mail server on loopback (OpenSMTPD and
//! Dovecot, `scripts/mail.sh`): `probe send` e-mails the question, a support
//! agent played by this test answers through the same server, and `audit`
//! reads, matches, classifies and times the replies over IMAP.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::Tls;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::Value;

use crate::common::{Scratch, TestServer, centricity, check, metric, postgres, service};
use crate::smtp_flood;

/// The mail server's ports, from `CENTRICITY_TEST_MAIL=host:submission:imap`.
struct MailServer {
    host: String,
    submission: u16,
    imap: u16,
}

fn mail_server() -> MailServer {
    let address = service("CENTRICITY_TEST_MAIL", "mail");
    let mut parts = address.split(':');
    let (Some(host), Some(submission), Some(imap)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("CENTRICITY_TEST_MAIL is host:submission:imap, not {address}");
    };
    MailServer {
        host: host.into(),
        submission: submission.parse().unwrap(),
        imap: imap.parse().unwrap(),
    }
}

const PASSWORD_VAR: &str = "AUDIT_MAIL_PASSWORD";
const PASSWORD: &str = "customer-pass";

/// An `email` check from customer@localhost to support@localhost; `imap` overrides the IMAP table.
fn email_check(server: &MailServer, id: &str, wait: &str, imap: Option<&str>) -> String {
    let default_imap = format!(
        "{{ host = \"{}\", port = {}, user = \"customer\", password_env = \"{PASSWORD_VAR}\", tls = \"none\" }}",
        server.host, server.imap
    );
    format!(
        "[[check]]\nid = \"{id}\"\nkind = \"email\"\nto = \"support@localhost\"\nfrom = \"customer@localhost\"\nsubject = \"Moving house ({id})\"\nwait = \"{wait}\"\n\
         smtp = {{ host = \"{}\", port = {}, user = \"customer\", password_env = \"{PASSWORD_VAR}\", tls = \"none\" }}\nimap = {}\n\n",
        server.host,
        server.submission,
        imap.unwrap_or(&default_imap)
    )
}

/// `centricity` with the auditor's mail password and the given store.
fn cli(store: &str) -> assert_cmd::Command {
    let mut cmd = centricity();
    cmd.env(PASSWORD_VAR, PASSWORD)
        .env("CENTRICITY_STORE", store);
    cmd
}

/// Sends the probes and returns each check's token, read from the command's output.
fn send_probes(audit: &std::path::Path, store: &str) -> Vec<(String, String)> {
    let output = cli(store)
        .args(["probe", "send"])
        .arg(audit)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            let (id, rest) = line
                .split_once(": sent probe ")
                .unwrap_or_else(|| panic!("unexpected line {line}"));
            (
                id.to_string(),
                rest.split_whitespace().next().unwrap().to_string(),
            )
        })
        .collect()
}

fn audit(audit: &std::path::Path, store: &str) -> (i32, Value, String) {
    let mut cmd = cli(store);
    let output = cmd
        .arg("audit")
        .arg(audit)
        .args(["--format", "json", "--allow-incomplete"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    crate::common::assert_valid_report(&report);
    (output.status.code().unwrap_or(-1), report, stderr)
}

/// The support agent: reads its mailbox over IMAP and answers through the submission server.
struct Agent<'a> {
    server: &'a MailServer,
    runtime: tokio::runtime::Runtime,
}

/// What the agent needs from a probe to answer it.
struct Received {
    message_id: String,
    reply_to: String,
    subject: String,
    /// The envelope sender the server recorded (`Return-Path`): where failures go.
    return_path: String,
}

impl<'a> Agent<'a> {
    fn new(server: &'a MailServer) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self { server, runtime }
    }

    /// The probe carrying `token`, once it has arrived in support's mailbox.
    fn receive(&self, token: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = self.runtime.block_on(self.find(token)) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "probe {token} never reached support's mailbox"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    async fn find(&self, token: &str) -> Option<Received> {
        let tcp = tokio::net::TcpStream::connect((self.server.host.as_str(), self.server.imap))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap();
        let mut session = client
            .login("support", "support-pass")
            .await
            .map_err(|(e, _)| e)
            .unwrap();
        session.select("INBOX").await.unwrap();
        let uids = session
            .uid_search(format!("SUBJECT \"{token}\""))
            .await
            .unwrap();
        let uid = uids.into_iter().next()?;
        let fetched: Vec<_> = session
            .uid_fetch(uid.to_string(), "BODY.PEEK[HEADER]")
            .await
            .unwrap()
            .collect()
            .await;
        let raw = fetched
            .into_iter()
            .next()?
            .unwrap()
            .header()
            .unwrap()
            .to_vec();
        let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let _ = session.logout().await;
        Some(Received {
            message_id: format!("<{}>", message.message_id().unwrap()),
            reply_to: message
                .reply_to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap()
                .to_string(),
            subject: message.subject().unwrap().to_string(),
            return_path: message
                .header_raw("Return-Path")
                .unwrap_or_default()
                .trim()
                .trim_matches(['<', '>'])
                .to_string(),
        })
    }

    /// Sends a message written header by header, as support.
    fn send(&self, to: &str, headers: &str) {
        let raw = format!(
            "From: Support <support@localhost>\r\nTo: {to}\r\nDate: {}\r\n{headers}\r\n\r\nHello,\r\nthank you for writing.\r\n",
            chrono::Utc::now().to_rfc2822()
        );
        self.send_raw(to, &raw);
    }

    /// Sends a message written whole (headers and body), through support's account.
    fn send_raw(&self, to: &str, raw: &str) {
        let envelope = Envelope::new(
            Some("support@localhost".parse().unwrap()),
            vec![to.parse().unwrap()],
        )
        .unwrap();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.server.host)
            .port(self.server.submission)
            .tls(Tls::None)
            .credentials(Credentials::new("support".into(), "support-pass".into()))
            .build();
        self.runtime
            .block_on(transport.send_raw(&envelope, raw.as_bytes()))
            .unwrap();
    }
}

/// Gives the server time to deliver what the agent sent (delivery is asynchronous).
fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn a_plain_text_bounce_is_matched_by_the_probe_it_returns_and_never_counts_as_a_person() {
    let server = mail_server();
    let scratch = Scratch::new();
    let store = scratch.path("history.db").to_string_lossy().into_owned();
    let file = scratch.audit(&email_check(&server, "bounced", "1s", None));
    let tokens = send_probes(&file, &store);
    let agent = Agent::new(&server);
    let probe = agent.receive(&tokens[0].1);
    // As Lotus Domino writes them: plain text from the postmaster, to the plain address, with
    // neither threading headers nor the token in its own headers; only the returned subject.
    agent.send_raw(
        "customer@localhost",
        &format!(
            "From: Postmaster <postmaster@localhost>\r\nTo: customer@localhost\r\nDate: {}\r\n\
             Subject: DELIVERY FAILURE: User support (support@localhost) not listed in Domino Directory\r\n\r\n\
             Your message\r\n\r\n  Subject: {}\r\n\r\nwas not delivered to:\r\n\r\n  support@localhost\r\n",
            chrono::Utc::now().to_rfc2822(),
            probe.subject
        ),
    );
    settle();
    // The envelope sender is the probe's own plus-address (VERP): a failure a server writes
    // goes there. One arrives there as Postfix writes them, returning the probe whole.
    assert_eq!(
        probe.return_path, probe.reply_to,
        "the envelope sender is not the probe's"
    );
    let postfix = std::fs::read_to_string(crate::common::repo_path(
        "fixtures/mail/replies/postfix-returned-to-sender.eml",
    ))
    .unwrap()
    .replace("cx0a1b2c3d4e5f", &tokens[0].1)
    .replace(
        "<centricity.cx0a1b2c3d4e5f@auditor.example>",
        &probe.message_id,
    );
    agent.send_raw(&probe.return_path, &postfix);
    settle();
    let (_, report, stderr) = audit(&file, &store);
    let bounced = check(&report, "bounced");
    let excerpt = bounced["evidence"][0]["excerpt"]
        .as_str()
        .unwrap_or_default();
    assert!(
        excerpt.contains("bounce after") && excerpt.contains("failure subject"),
        "{bounced}\n{stderr}"
    );
    assert!(!excerpt.contains("a person after"), "{excerpt}");
    assert!(
        excerpt.contains("delivery status report (RFC 3464)"),
        "{excerpt}"
    );
    assert_eq!(bounced["score"], 0.0, "{bounced}");
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn probes_are_sent_answered_classified_and_timed() {
    probes_on(&mail_server(), None);
}

#[test]
#[ignore = "needs the mail server and PostgreSQL: eval \"$(bash scripts/mail.sh start)\" and eval \"$(bash scripts/postgres.sh start)\""]
fn probes_are_sent_answered_classified_and_timed_in_postgres() {
    probes_on(&mail_server(), Some(postgres()));
}

fn probes_on(server: &MailServer, store: Option<String>) {
    let scratch = Scratch::new();
    let store = store.unwrap_or_else(|| scratch.path("history.db").to_string_lossy().into_owned());
    let file = scratch.audit(&format!(
        "{}{}{}",
        email_check(server, "answered", "1h", None),
        email_check(server, "acknowledged", "1h", None),
        email_check(server, "ignored", "1s", None)
    ));
    let tokens = send_probes(&file, &store);
    assert_eq!(
        tokens.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["answered", "acknowledged", "ignored"]
    );
    let token = |id: &str| {
        tokens
            .iter()
            .find(|(check, _)| check == id)
            .unwrap()
            .1
            .clone()
    };
    let agent = Agent::new(server);

    // `answered`: an automatic acknowledgement threaded to the probe, then a person, answering under the
    // acknowledgement to the plain address with a subject of their own (only the thread ties it to the probe).
    let probe = agent.receive(&token("answered"));
    assert!(
        probe.reply_to.starts_with("customer+"),
        "{}",
        probe.reply_to
    );
    let ack_id = format!("<ack.{}@localhost>", token("answered"));
    agent.send(
        &probe.reply_to,
        &format!("Subject: Automatic reply: {}\r\nMessage-ID: {ack_id}\r\nIn-Reply-To: {}\r\nReferences: {}\r\nAuto-Submitted: auto-replied", probe.subject, probe.message_id, probe.message_id),
    );
    std::thread::sleep(Duration::from_millis(2100));
    agent.send(
        "customer@localhost",
        &format!(
            "Subject: Your move\r\nMessage-ID: <human.{}@localhost>\r\nIn-Reply-To: {ack_id}",
            token("answered")
        ),
    );

    // `acknowledged`: only an out-of-office note, tied to the probe by the plus-address alone.
    let probe = agent.receive(&token("acknowledged"));
    agent.send(
        &probe.reply_to,
        "Subject: Out of office\r\nX-Autoreply: yes",
    );
    // Mail that is not a reply to anything of ours, in the same mailbox.
    agent.send(
        "customer@localhost",
        "Subject: Our autumn offers\r\nList-Unsubscribe: <mailto:unsubscribe@localhost>",
    );
    settle();

    let (_, report, stderr) = audit(&file, &store);
    let answered = check(&report, "answered");
    assert_eq!(answered["status"], "pass", "{answered}\n{stderr}");
    let human = metric(answered, "email.first_human_response_median");
    let automatic = metric(answered, "email.first_automatic_median");
    // The server times replies in whole seconds; the person wrote 2.1 s after the acknowledgement.
    assert!((1.0..30.0).contains(&human), "human reply after {human} s");
    assert!(
        human - automatic >= 1.0,
        "acknowledgement {automatic} s, person {human} s"
    );
    assert_eq!(metric(answered, "email.replies"), 2.0);
    assert_eq!(metric(answered, "email.response_rate"), 1.0);
    let excerpt = answered["evidence"][0]["excerpt"].as_str().unwrap();
    assert!(
        excerpt.contains("automatic after") && excerpt.contains("Auto-Submitted: auto-replied"),
        "{excerpt}"
    );

    let acknowledged = check(&report, "acknowledged");
    assert_eq!(
        (
            acknowledged["status"].clone(),
            acknowledged["score"].clone(),
            acknowledged["error"].clone()
        ),
        ("pending".into(), Value::Null, Value::Null),
        "{acknowledged}"
    );
    assert!(
        acknowledged["evidence"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("X-Autoreply: yes"),
        "{acknowledged}"
    );

    let ignored = check(&report, "ignored");
    assert_eq!(ignored["score"], 0.0, "{ignored}");
    assert!(
        ignored["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("never reached a person")),
        "{ignored}"
    );

    // The category sees one e-mail channel: two settled probes (the pending one waits), one unanswered.
    let email = &report["categories"][0]["channels"][0];
    assert_eq!(
        (
            email["channel"].clone(),
            email["contacts"].clone(),
            email["unanswered"].clone(),
            email["answered"].clone()
        ),
        ("email".into(), 2.into(), 1.into(), true.into()),
        "{email}"
    );

    // Collecting again finds the same replies: the audit reads, it never moves or marks mail.
    let (_, again, _) = audit(&file, &store);
    assert_eq!(
        metric(
            check(&again, "answered"),
            "email.first_human_response_median"
        ),
        human
    );
    assert_eq!(check(&again, "acknowledged")["status"], "pending");
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn mail_faults_are_check_errors_that_never_show_the_password() {
    let server = mail_server();
    let server = &server;
    let scratch = Scratch::new();
    let store = scratch.path("history.db").to_string_lossy().into_owned();
    let imap = |port: u16, user: &str, tls: &str, env: &str| {
        format!(
            "{{ host = \"{}\", port = {port}, user = \"{user}\", password_env = \"{env}\", tls = \"{tls}\" }}",
            server.host
        )
    };
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = scratch.audit(&format!(
        "{}{}{}{}{}{}{}",
        email_check(
            server,
            "wrong-login",
            "1h",
            Some(&imap(server.imap, "support", "none", PASSWORD_VAR))
        ),
        email_check(
            server,
            "server-down",
            "1h",
            Some(&imap(closed, "customer", "none", PASSWORD_VAR))
        ),
        email_check(
            server,
            "not-tls",
            "1h",
            Some(&imap(server.imap, "customer", "tls", PASSWORD_VAR))
        ),
        email_check(
            server,
            "no-password",
            "1h",
            Some(&imap(
                server.imap,
                "customer",
                "none",
                "UNSET_MAIL_PASSWORD"
            ))
        ),
        email_check(server, "no-mailbox", "1h", None)
            .replace("wait = ", "mailbox = \"Archive\"\nwait = "),
        email_check(server, "never-sent", "1h", None),
        email_check(
            server,
            "echoing-server",
            "1h",
            Some(&imap(echoing_imap(), "customer", "none", PASSWORD_VAR))
        )
    ));
    // Probes for all but the last: a check without a probe says how to send one.
    for id in [
        "wrong-login",
        "server-down",
        "not-tls",
        "no-password",
        "no-mailbox",
        "echoing-server",
    ] {
        cli(&store)
            .args(["probe", "send", "--check", id])
            .arg(&file)
            .assert()
            .success();
    }
    let (code, report, stderr) = audit(&file, &store);
    assert_eq!(code, 1, "nothing could be scored: {stderr}");
    let error = |id: &str| {
        check(&report, id)["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} has no error"))
            .to_string()
    };
    assert!(
        error("wrong-login").contains("login as support failed"),
        "{}",
        error("wrong-login")
    );
    assert!(
        error("server-down").contains(&format!(":{closed}")),
        "{}",
        error("server-down")
    );
    assert!(error("not-tls").contains("TLS"), "{}", error("not-tls"));
    assert!(
        error("no-password").contains("UNSET_MAIL_PASSWORD"),
        "{}",
        error("no-password")
    );
    assert!(
        error("no-mailbox").contains("mailbox Archive"),
        "{}",
        error("no-mailbox")
    );
    assert!(
        error("never-sent").contains("centricity probe send"),
        "{}",
        error("never-sent")
    );
    assert!(
        error("echoing-server").contains("login refused")
            && error("echoing-server").contains("***"),
        "{}",
        error("echoing-server")
    );
    // Each cause as its code: a wrong login or a missing password is the audit's input, a
    // closed port a refused connection, a plain-text server behind `tls` a TLS failure.
    let code_of = |id: &str| {
        check(&report, id)["error_code"]
            .as_str()
            .map(str::to_string)
    };
    for (id, code) in [
        ("wrong-login", "invalid-input"),
        ("server-down", "connection-refused"),
        ("not-tls", "tls"),
        ("no-password", "invalid-input"),
        ("no-mailbox", "invalid-input"),
        ("never-sent", "invalid-input"),
        ("echoing-server", "invalid-input"),
    ] {
        assert_eq!(code_of(id).as_deref(), Some(code), "{id}: {}", error(id));
    }
    // Every format, the most verbose stderr, the evidence folder and the store.
    let mut everything = format!(
        "{report}{stderr}{}",
        String::from_utf8_lossy(&std::fs::read(scratch.path("history.db")).unwrap())
    );
    for format in ["table", "markdown", "csv", "junit"] {
        let output = cli(&store)
            .args(["audit", "-vv", "--no-progress", "--format", format])
            .arg(&file)
            .output()
            .unwrap();
        everything.push_str(&String::from_utf8_lossy(&output.stdout));
        everything.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    for entry in walk(scratch.dir.path()) {
        everything.push_str(&String::from_utf8_lossy(
            &std::fs::read(entry).unwrap_or_default(),
        ));
    }
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    for form in [
        PASSWORD.to_string(),
        b64(PASSWORD),
        b64(&format!("\0customer\0{PASSWORD}")),
    ] {
        assert!(!everything.contains(&form), "the password leaked as {form}");
    }

    // Sending with a wrong password fails clearly, records nothing and does not echo the secret.
    let before = probes_in(&store);
    let output = centricity()
        .env(PASSWORD_VAR, "not-the-password")
        .env("CENTRICITY_STORE", &store)
        .args(["probe", "send", "--check", "wrong-login"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("SMTP") && !stderr.contains("not-the-password"),
        "{stderr}"
    );
    assert_eq!(probes_in(&store), before);
    // An `http` check is no probe: asking for one is an input error.
    let bad = scratch.write("other.toml", "[audit]\nname = \"x\"\n\n[[check]]\nid = \"web\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/\"\n");
    let output = cli(&store)
        .args(["probe", "send", "--check", "web"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sends no probe"));
}

fn probes_in(store: &str) -> i64 {
    rusqlite::Connection::open(store)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM probes", [], |r| r.get(0))
        .unwrap()
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn a_flood_of_unrelated_mail_does_not_hide_the_answer() {
    let server = mail_server();
    let server = &server;
    let scratch = Scratch::new();
    let store = scratch.path("history.db").to_string_lossy().into_owned();
    let file = scratch.audit(&email_check(server, "flooded", "1h", None));
    let token = send_probes(&file, &store).remove(0).1;
    let agent = Agent::new(server);
    let probe = agent.receive(&token);
    agent.send(
        &probe.reply_to,
        &format!(
            "Subject: Re: {}\r\nIn-Reply-To: {}",
            probe.subject, probe.message_id
        ),
    );
    // More messages after the answer than an audit reads in full (2,000), some of them malformed.
    let (host, port) = (server.host.as_str(), server.submission.to_string());
    smtp_flood::flood(host, &port, 0..2_100, |n| {
        if n % 10 == 0 {
            format!(
                "From: news@localhost\r\nTo: customer@localhost\r\nSubject: =?utf-8?B?!!{n}broken?=\r\nContent-Type: multipart/mixed; boundary=\r\nReferences: <<<>>>\r\n\r\n--none\r\n\u{1}\u{2}"
            )
        } else {
            format!(
                "From: news@localhost\r\nTo: customer@localhost\r\nSubject: Newsletter {n}\r\nReferences: <unrelated.{n}@localhost>\r\n\r\nnews\r\n"
            )
        }
    });
    settle();
    let (_, report, stderr) = audit(&file, &store);
    let flooded = check(&report, "flooded");
    assert_eq!(
        metric(flooded, "email.response_rate"),
        1.0,
        "{flooded}\n{stderr}"
    );
    assert_eq!(metric(flooded, "email.replies"), 1.0, "{flooded}");
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn a_contact_form_answered_by_mail_is_timed_like_an_email() {
    let server = mail_server();
    let site = TestServer::start();
    let scratch = Scratch::new();
    let store = scratch.path("history.db").to_string_lossy().into_owned();
    let file = scratch.audit(&format!(
        "{}[[check]]\nid = \"contact-form\"\nkind = \"web-form\"\nurl = \"{}\"\nreply_via = \"mailbox\"\n\
         success_contains = \"we will answer\"\nfields = {{ email = \"{{reply_to}}\", message = \"Where is my order? [{{token}}]\" }}\n",
        email_check(&server, "mailbox", "1h", None),
        site.url("/form/contact")
    ));
    let output = cli(&store)
        .args(["probe", "send", "--check", "contact-form"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The form received a tagged plus-address of the mailbox's account and the token in the message.
    let body = site
        .bodies("/form/send")
        .pop()
        .expect("the form was submitted");
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| form.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let reply_to = field("email");
    let token = reply_to
        .strip_prefix("customer+")
        .and_then(|r| r.strip_suffix("@localhost"))
        .unwrap()
        .to_string();
    assert!(
        field("message").ends_with(&format!("[{token}]")),
        "{form:?}"
    );
    assert!(stdout.contains(&token), "{stdout}");

    // Before the company answers, the form is pending; once a person has, it is timed on the web_form curve.
    let (_, report, stderr) = audit(&file, &store);
    assert_eq!(
        check(&report, "contact-form")["status"],
        "pending",
        "{stderr}"
    );
    let agent = Agent::new(&server);
    // The agent answers within the second: with a notice's subject ("Your order") that speed
    // would make it a machine's answer, so it answers as a person does, under the question's.
    agent.send(
        &reply_to,
        "Subject: Re: Your question\r\nMessage-ID: <order.reply@localhost>",
    );
    settle();
    let (_, report, stderr) = audit(&file, &store);
    let form = check(&report, "contact-form");
    assert_eq!(
        metric(form, "web_form.response_rate"),
        1.0,
        "{form}\n{stderr}"
    );
    assert!(
        metric(form, "web_form.first_human_response_median") < 60.0,
        "{form}"
    );
    // The form's answer is not the mailbox check's: that one has no probe of its own.
    assert!(
        check(&report, "mailbox")["error"]
            .as_str()
            .unwrap()
            .contains("probe send")
    );

    // A reply_via naming no e-mail check is refused where it is written.
    let bad = scratch.write(
        "bad.toml",
        &std::fs::read_to_string(&file)
            .unwrap()
            .replace("reply_via = \"mailbox\"", "reply_via = \"contact-form\""),
    );
    let output = centricity().arg("audit").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "bad.toml:18:14: `reply_via` names `contact-form`, which is not an `email` check"
        ),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// An IMAP server on loopback whose refusal repeats the login line it was sent, password
/// included (and the AUTH PLAIN form of it), as some servers' logs and errors do.
fn echoing_imap() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let _ = writer.write_all(b"* OK IMAP4rev1 ready\r\n");
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let tag = line.split_whitespace().next().unwrap_or("*").to_string();
                    let answer = if line.to_ascii_uppercase().contains("LOGIN") {
                        use base64::Engine as _;
                        let plain = base64::engine::general_purpose::STANDARD
                            .encode(format!("\0customer\0{PASSWORD}"));
                        format!(
                            "{tag} NO [AUTHENTICATIONFAILED] login refused for: {line} (AUTH PLAIN {plain})\r\n"
                        )
                    } else {
                        format!("{tag} OK\r\n")
                    };
                    if writer.write_all(answer.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn probe_classify_says_why_and_which_probe_a_saved_message_answers() {
    let scratch = Scratch::new();
    let audit = scratch.audit(
        "[[check]]\nid = \"support-email\"\nkind = \"email\"\nto = \"support@acme.example\"\nfrom = \"auditor@auditor.example\"\nsubject = \"Question\"\nwait = \"1h\"\n\
         smtp = { host = \"127.0.0.1\", port = 9, user = \"u\", password_env = \"NONE\", tls = \"none\" }\n\
         imap = { host = \"127.0.0.1\", port = 9, user = \"u\", password_env = \"NONE\", tls = \"none\" }\n",
    );
    let store_path = scratch.path("history.db");
    let mut store = centricity::store::SqliteStore::open(&store_path).unwrap();
    centricity::store::RunStore::record_probe(
        &mut store,
        &centricity::store::Probe {
            audit: "Test Co".into(),
            check_id: "support-email".into(),
            token: "cx0a1b2c3d4e5f".into(),
            message_id: "<centricity.cx0a1b2c3d4e5f@auditor.example>".into(),
            sent_to: "support@acme.example".into(),
            sent_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap(),
        },
    )
    .unwrap();
    drop(store);
    let replies = crate::common::repo_path("fixtures/mail/replies");
    let output = centricity()
        .args(["probe", "classify", "--audit"])
        .arg(&audit)
        .arg("--store")
        .arg(&store_path)
        .arg(replies.join("gmail-dsn.eml"))
        .arg(replies.join("apple-vacation.eml"))
        .arg(crate::common::repo_path("fixtures/mail/human-reply.eml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let out = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // The bounce quotes the probe only in the headers it returns: still the probe's, a bounce.
    assert!(lines[0].ends_with("gmail-dsn.eml: bounce (delivery status report (RFC 3464); sender is the mail system: \"mailer-daemon\"; failure subject: \"delivery status notification (failure)\" (weak); the notice reports a failure: \"couldn't be found\", status 5.1.1 (weak); answered 4 s after the probe was sent (weak))"), "{out}");
    assert!(
        lines[1].contains("answers probe cx0a1b2c3d4e5f of `support-email`"),
        "{out}"
    );
    assert!(
        lines[2].contains(
            "apple-vacation.eml: automatic (automatic-reply header (X-Apple-Action: vacation)"
        ),
        "{out}"
    );
    // A reply to some other probe answers none of this audit's.
    assert!(lines[5].contains("answers no probe of this audit"), "{out}");
    // Not a message: invalid input, said.
    let bad = scratch.write("empty.eml", "");
    centricity()
        .args(["probe", "classify"])
        .arg(&bad)
        .assert()
        .code(3);
}

#[test]
fn a_users_own_reply_signals_are_added_and_checked_where_they_are_wrong() {
    let scratch = Scratch::new();
    // How this company's helpdesk acknowledges, in words no shipped entry knows.
    let ack = scratch.write(
        "ack.eml",
        "From: Acme <care@acme.example>\r\nSubject: Re: Question\r\n\r\nYour Acme case is filed under our queue.\r\n",
    );
    let classify = |extra: &[&std::path::Path]| {
        let output = centricity()
            .args(["probe", "classify"])
            .args(extra)
            .arg(&ack)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, out, _) = classify(&[]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("ack.eml: a person (no automatic markers)"),
        "{out}"
    );
    let mine = scratch.write(
        "signals.toml",
        "[[automatic]]\nsignal = \"Acme's acknowledgement\"\nin = \"text\"\nstrength = \"strong\"\nphrases = [\"case is filed under\"]\n",
    );
    let (code, out, _) = classify(&[std::path::Path::new("--signals"), &mine]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("ack.eml: automatic (Acme's acknowledgement: \"case is filed under\")"),
        "{out}"
    );
    // A mistake in the file is shown where it is, and nothing is judged.
    let wrong = scratch.write(
        "wrong.toml",
        "[[automatic]]\nsignal = \"x\"\nin = \"body\"\nstrength = \"strong\"\nphrases = [\"y\"]\n",
    );
    let (code, out, err) = classify(&[std::path::Path::new("--signals"), &wrong]);
    assert_eq!(code, Some(3), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("wrong.toml:3:") && err.contains("`in` is one of"),
        "{err}"
    );
    // An audit's email check names its file the same way; a wrong one stops the audit at load.
    let audit = scratch.audit(
        "[[check]]\nid = \"support-email\"\nkind = \"email\"\nto = \"support@acme.example\"\nfrom = \"auditor@auditor.example\"\nsignals = \"wrong.toml\"\n\
         smtp = { host = \"127.0.0.1\", port = 9, user = \"u\", password_env = \"NONE\", tls = \"none\" }\n\
         imap = { host = \"127.0.0.1\", port = 9, user = \"u\", password_env = \"NONE\", tls = \"none\" }\n",
    );
    let output = centricity().arg("audit").arg(&audit).output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("wrong.toml:3:"),
        "{output:?}"
    );
}

#[test]
#[ignore = "needs the mail server: eval \"$(bash scripts/mail.sh start)\""]
fn a_studys_probes_are_sent_company_by_company_and_a_second_run_resumes() {
    let server = mail_server();
    let scratch = Scratch::new();
    let store = scratch.path("history.db").to_string_lossy().into_owned();
    scratch.write(
        "template.toml",
        &format!(
            "[audit]\nname = \"{{name}}\"\n\n{}",
            email_check(&server, "support", "1h", None)
        ),
    );
    scratch.write("companies.csv", "name\nAlpha Ltd\nBeta Ltd\n");
    let send = || {
        let output = cli(&store)
            .args(["probe", "send"])
            .arg(scratch.path("companies.csv"))
            .arg("--template")
            .arg(scratch.path("template.toml"))
            .args(["--pace", "10ms"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let first = send();
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 2, "{first}");
    assert!(
        lines[0].starts_with("Alpha Ltd: support: sent probe cx"),
        "{first}"
    );
    assert!(
        lines[1].starts_with("Beta Ltd: support: sent probe cx"),
        "{first}"
    );
    // Run again (say, after an interruption): nothing is sent twice.
    let again = send();
    assert_eq!(
        again,
        "Alpha Ltd: already probed\nBeta Ltd: already probed\n"
    );
    let mut history = centricity::store::SqliteStore::open(std::path::Path::new(&store)).unwrap();
    for company in ["Alpha Ltd", "Beta Ltd"] {
        let probes =
            centricity::store::RunStore::probes(&mut history, company, Some("support")).unwrap();
        assert_eq!(probes.len(), 1, "{company}");
    }
}
