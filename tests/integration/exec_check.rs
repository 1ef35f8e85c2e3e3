//! The `exec` plug-in door: good results pass through, every kind of bad
//! plug-in becomes a check error with a reason, and the run goes on.

use std::time::{Duration, Instant};

use crate::common::{Scratch, audit_json, check, metric};

/// An `exec` check running `sh SCRIPT`, with `extra` lines in its table.
pub fn exec_check(id: &str, script: &str, extra: &str) -> String {
    format!(
        "[[check]]\nid = \"{id}\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"{script}\"]\n{extra}\n"
    )
}

#[test]
fn a_plugin_result_passes_through_with_its_context() {
    let scratch = Scratch::new();
    scratch.plugin(
        "plugins/good.sh",
        r#"cat <<JSON
{"score": 82.5, "metrics": [{"name": "nps", "value": 31, "unit": null}],
 "findings": [{"severity": "warn", "message": "Detractors are not called back", "recommendation": "Call back every detractor within a week."}],
 "evidence": [{"source": "$CENTRICITY_CHECK_ID in $(basename "$PWD")", "observed_at": null, "excerpt": "offline=$CENTRICITY_OFFLINE"}]}
JSON"#,
    );
    let audit = scratch.audit(&exec_check("nps", "plugins/good.sh", ""));
    let (code, report, _) = audit_json(&audit, &[]);
    let nps = check(&report, "nps");
    assert_eq!(nps["score"], 82.5);
    assert_eq!(nps["status"], "warn");
    assert_eq!(metric(nps, "nps"), 31.0);
    let folder = scratch
        .dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        nps["evidence"][0]["source"],
        format!("nps in {folder}"),
        "runs in the audit's folder with its id"
    );
    assert_eq!(nps["evidence"][0]["excerpt"], "offline=0");
    assert_eq!(report["categories"][3]["score"], 82.5);
    assert_eq!(code, 0);
}

#[test]
fn bad_plugins_are_check_errors_with_a_reason() {
    // (script body, what the error must say)
    let cases = [
        ("echo 'not json at all'", "is not a JSON result"),
        (
            "echo 'database locked' >&2; exit 3",
            "exited with exit status: 3; stderr: database locked",
        ),
        (r#"echo '{"score": 150}'"#, "score 150 is outside 0–100"),
        (
            r#"echo '{"score": 50, "colour": "red"}'"#,
            "unknown field `colour`",
        ),
        (
            r#"echo '{"score": 50, "findings": [{"severity": "warn", "message": "", "recommendation": "x"}]}'"#,
            "empty",
        ),
        ("yes '{\"score\": 1}'", "more than 1048576 bytes"),
    ];
    let scratch = Scratch::new();
    let mut checks = String::new();
    for (i, (body, _)) in cases.iter().enumerate() {
        scratch.plugin(&format!("p{i}.sh"), body);
        checks.push_str(&exec_check(&format!("p{i}"), &format!("p{i}.sh"), ""));
    }
    scratch.plugin("fine.sh", r#"echo '{"score": 70}'"#);
    checks.push_str(&exec_check("fine", "fine.sh", ""));
    let audit = scratch.audit(&checks);
    let (code, report, stderr) = audit_json(&audit, &[]);
    for (i, (_, expected)) in cases.iter().enumerate() {
        let c = check(&report, &format!("p{i}"));
        assert_eq!(c["status"], "error", "p{i}: {c}");
        let error = c["error"].as_str().unwrap();
        assert!(
            error.contains(expected),
            "p{i}: {error:?} should contain {expected:?}"
        );
    }
    assert_eq!(check(&report, "fine")["score"], 70.0, "the run went on");
    assert_eq!(code, 4, "{stderr}");
}

#[test]
fn a_hanging_plugin_is_stopped_at_its_timeout() {
    let scratch = Scratch::new();
    scratch.plugin("hang.sh", "sleep 30");
    let audit = scratch.audit(&exec_check("hang", "hang.sh", "timeout = \"1s\""));
    let start = Instant::now();
    let (code, report, _) = audit_json(&audit, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "not stopped: {:?}",
        start.elapsed()
    );
    assert_eq!(check(&report, "hang")["error"], "timed out after 1s");
    assert_eq!(code, 1);
}

#[test]
fn a_missing_program_is_a_check_error() {
    let scratch = Scratch::new();
    let audit = scratch.audit(
        "[[check]]\nid = \"gone\"\nkind = \"exec\"\ncategory = \"reach\"\ncommand = [\"./no-such-plugin\"]\n",
    );
    let (_, report, _) = audit_json(&audit, &[]);
    assert!(
        check(&report, "gone")["error"]
            .as_str()
            .unwrap()
            .contains("cannot start")
    );
}
