//! Bulk mail for the flood test and the mail benchmark: many messages from
//! support@localhost to customer@localhost through the test server's
//! submission port, 50 per SMTP session (the server's limit per session).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::ops::Range;

/// `\0support\0support-pass`, for AUTH PLAIN.
const SUPPORT_PLAIN: &str = "AHN1cHBvcnQAc3VwcG9ydC1wYXNz";

/// Sends message `n` for each `n` in `numbers`; `message(n)` writes its headers and body
/// (a `Date` header is put in front).
pub fn flood(host: &str, port: &str, numbers: Range<usize>, message: impl Fn(usize) -> String) {
    let mut first = numbers.start;
    while first < numbers.end {
        let last = numbers.end.min(first + 50);
        session(host, port, first..last, &message);
        first = last;
    }
}

fn session(host: &str, port: &str, numbers: Range<usize>, message: &impl Fn(usize) -> String) {
    let stream = TcpStream::connect(format!("{host}:{port}")).expect("submission port");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let mut say = |text: &str, code: &str| {
        writer.write_all(text.as_bytes()).expect("write");
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("reply");
            // Multi-line replies continue with "NNN-".
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                break;
            }
        }
        assert!(
            line.starts_with(code),
            "expected {code} after {text:?}, got {line}"
        );
    };
    say("", "220");
    say("EHLO flood\r\n", "250");
    say(&format!("AUTH PLAIN {SUPPORT_PLAIN}\r\n"), "235");
    for n in numbers {
        say("MAIL FROM:<support@localhost>\r\n", "250");
        say("RCPT TO:<customer@localhost>\r\n", "250");
        say("DATA\r\n", "354");
        let date = chrono::Utc::now().to_rfc2822();
        say(
            &format!("Date: {date}\r\n{}\r\n.\r\n", message(n).trim_end()),
            "250",
        );
    }
    say("QUIT\r\n", "221");
}
