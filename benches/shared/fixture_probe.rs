//! The probe every message of `fixtures/mail/replies/` answers, shared by the reply benches.

use centricity::store::Probe;

pub fn fixture_probe() -> Probe {
    Probe {
        audit: "Acme".into(),
        check_id: "support-email".into(),
        token: "cx0a1b2c3d4e5f".into(),
        message_id: "<centricity.cx0a1b2c3d4e5f@auditor.example>".into(),
        sent_to: "support@acme.example".into(),
        sent_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00")
            .expect("a fixed date"),
    }
}
