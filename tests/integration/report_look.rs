//! The client's report in plain words and the consultant's look: measures and checks named as
//! people say them, and the audit file's `[report]` table (paper, evidence, logo, accent,
//! notes) in the HTML and Markdown reports, from the audit and from the store.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::common::{Scratch, centricity, repo_path};

/// The acme example copied into `scratch` with `extra` appended to its audit file.
fn acme_with(scratch: &Scratch, extra: &str) -> PathBuf {
    let dir = scratch.copy_fixture("fixtures/acme", "acme");
    let file = dir.join("centricity.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // `[report]` must come before the first `[[check]]` to be a table of its own.
    let (head, checks) = text.split_once("[[check]]").unwrap();
    std::fs::write(&file, format!("{head}{extra}\n\n[[check]]{checks}")).unwrap();
    file
}

/// The audit's report in `format`, run offline without a store.
fn rendered(audit: &Path, format: &str) -> String {
    let output = centricity()
        .arg("audit")
        .arg(audit)
        .args([
            "--offline",
            "--no-store",
            "--allow-incomplete",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// What a reader sees of a page: its text without tags or style, entities read back.
fn visible_text(html: &str) -> String {
    let body = html.split_once("<body>").map_or(html, |(_, body)| body);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The part of `html` from the section whose heading is `heading` to its end.
fn section<'a>(html: &'a str, heading: &str) -> &'a str {
    let start = html
        .find(&format!("<h2>{heading}</h2>"))
        .unwrap_or_else(|| panic!("no section {heading:?}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn the_html_report_names_every_measure_in_words_and_every_check_by_its_title() {
    let acme = repo_path("fixtures/acme/centricity.toml");
    let report: serde_json::Value = serde_json::from_str(&rendered(&acme, "json")).unwrap();
    let html = rendered(&acme, "html");
    let seen = visible_text(&html);
    let mut keys = 0;
    for check in report["checks"].as_array().unwrap() {
        for metric in check["metrics"].as_array().unwrap() {
            let key = metric["name"].as_str().unwrap();
            // Keys that are plain words ("contacts") may be read; keys of the tool's own may not.
            if key.contains(['_', '.']) {
                keys += 1;
                assert!(!seen.contains(key), "the metric key {key:?} is shown");
            }
        }
        let (id, title) = (
            check["id"].as_str().unwrap(),
            check["title"].as_str().unwrap(),
        );
        assert!(
            html.contains(&format!(
                "<h3>{title} <small class=\"id\">{id}</small></h3>"
            )),
            "{id} is not shown by its title with its id beside it"
        );
    }
    assert!(keys > 20, "only {keys} keys were looked for");
    for words in [
        "Time to first byte, median",
        "E-mail: time to a person, median",
        "Feedback capture",
        "“I can quickly find the information I need",
    ] {
        assert!(seen.contains(words), "{words:?} is not in the report");
    }
    // Channels by their names in words, in the responsiveness section.
    let responsiveness = section(&html, "Responsiveness across channels");
    assert!(
        responsiveness.contains("<td>In store</td>"),
        "{responsiveness}"
    );
    assert!(!seen.contains("in_store"));
}

const LOGO: &str = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 40\" onload=\"alert(1)\">\
<script>alert(2)</script><rect width=\"120\" height=\"40\" rx=\"6\" fill=\"#0a7d5a\"/>\
<text x=\"10\" y=\"27\" font-size=\"20\" fill=\"#fff\">CCP</text></svg>\n";

#[test]
fn the_consultants_logo_colour_and_notes_reach_the_html_and_markdown_reports() {
    let scratch = Scratch::new();
    let audit = acme_with(
        &scratch,
        "[report]\nlogo = \"brand/logo.svg\"\naccent = \"#0a7d5a\"\n\n[report.notes]\n\
         summary = \"Acme <b>answers</b> fast.\\n\\nBut not on e-mail.\"\n\
         reputation = \"Reviews | *matter* [here](javascript:x)\"\n",
    );
    scratch.write("acme/brand/logo.svg", LOGO);
    let html = rendered(&audit, "html");
    // The logo, embedded and cleaned: drawing kept, script and handler gone.
    let (_, after) = html
        .split_once("<img class=\"logo\" alt=\"\" src=\"data:image/svg+xml;base64,")
        .expect("no logo on the cover");
    let encoded = &after[..after.find('"').unwrap()];
    let svg = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    // Attributes come out in name order.
    assert!(
        svg.contains("<text fill=\"#fff\" font-size=\"20\" x=\"10\" y=\"27\">CCP</text>"),
        "{svg}"
    );
    assert!(!svg.contains("alert"), "{svg}");
    assert!(html.contains(":root{--accent:#0a7d5a}"));
    // The summary on the cover, escaped, a paragraph each; the category's note in its section.
    let cover = &html[html.find("<section class=\"cover\">").unwrap()..];
    let cover = &cover[..cover.find("</section>").unwrap()];
    assert!(
        cover.contains("<p>Acme &lt;b&gt;answers&lt;/b&gt; fast.</p><p>But not on e-mail.</p>"),
        "{cover}"
    );
    let reputation = section(&html, "Ratings and reviews online");
    assert!(reputation.contains("<p>Reviews | *matter* [here](javascript:x)</p>"));
    assert!(!html.contains("href=\"javascript"));

    let markdown = rendered(&audit, "markdown");
    assert!(
        markdown.contains("> Acme &lt;b&gt;answers&lt;/b&gt; fast.\n>\n> But not on e-mail.\n")
    );
    let (_, reviews) = markdown
        .split_once("### Ratings and reviews online\n\n")
        .unwrap();
    assert!(
        reviews.starts_with("> Reviews \\| \\*matter\\* \\[here\\](javascript:x)\n"),
        "{reviews}"
    );
}

#[test]
fn evidence_can_be_left_out_and_the_paper_set_to_us_letter() {
    let scratch = Scratch::new();
    let plain = rendered(&repo_path("fixtures/acme/centricity.toml"), "html");
    assert!(plain.contains("<h2>Appendix: evidence</h2>"));
    assert!(plain.contains("@page{size:a4}"));
    let audit = acme_with(
        &scratch,
        "[report]\nevidence = \"none\"\npaper = \"letter\"\n",
    );
    let html = rendered(&audit, "html");
    assert!(html.contains("@page{size:letter}"));
    assert!(!html.contains("Appendix: evidence"));
    assert!(
        !html.contains("<th>What was seen</th>"),
        "evidence is still shown"
    );
    assert!(html.contains("left out of this report"));
    assert!(
        html.len() * 4 < plain.len() * 3,
        "{} vs {}",
        html.len(),
        plain.len()
    );
}

#[test]
fn a_bad_report_setting_is_refused_at_its_place_and_nothing_is_written() {
    let scratch = Scratch::new();
    scratch.write("acme/logo.gif", "GIF89a");
    for (setting, said) in [
        ("[report]\naccent = \"green\"", "`green` is not a colour"),
        (
            "[report]\nlogo = \"missing.svg\"",
            "logo `missing.svg`: cannot read it",
        ),
        ("[report]\nlogo = \"logo.gif\"", "must be a PNG or an SVG"),
        ("[report]\npaper = \"a5\"", "expected \"a4\" or \"letter\""),
        ("[report.notes]\nservice = \"x\"", "service"),
    ] {
        let audit = acme_with(&scratch, setting);
        let out = scratch.path("r.html");
        let output = centricity()
            .arg("audit")
            .arg(&audit)
            .args(["--offline", "--no-store", "--format", "html", "--output"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{setting}: {stderr}");
        assert!(stderr.contains(said), "{setting}: {stderr}");
        // Where: the audit file, the line of the setting.
        let line = std::fs::read_to_string(&audit)
            .unwrap()
            .lines()
            .position(|l| setting.lines().last() == Some(l))
            .unwrap()
            + 1;
        assert!(
            stderr.contains(&format!("centricity.toml:{line}:")),
            "{setting}: no line {line} in {stderr}"
        );
        assert!(!out.exists());
    }
}

#[test]
fn a_report_from_the_store_keeps_the_look_of_its_audit_file() {
    let scratch = Scratch::new();
    let audit = acme_with(
        &scratch,
        "[report]\naccent = \"#0a7d5a\"\n\n[report.notes]\nsummary = \"Our view.\"\n",
    );
    centricity()
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--allow-incomplete", "--format", "json"])
        .assert()
        .success();
    let dir = audit.parent().unwrap();
    // In the audit's folder, as a consultant re-renders, and from elsewhere with --audit.
    let here = centricity()
        .current_dir(dir)
        .args(["report", "last", "--format", "html"])
        .output()
        .unwrap();
    assert!(
        here.status.success(),
        "{}",
        String::from_utf8_lossy(&here.stderr)
    );
    let elsewhere = centricity()
        .current_dir(scratch.path(""))
        .args(["report", "last", "--format", "html", "--audit"])
        .arg(&audit)
        .output()
        .unwrap();
    assert!(elsewhere.status.success());
    for page in [&here.stdout, &elsewhere.stdout] {
        let page = String::from_utf8_lossy(page);
        assert!(page.contains("<p>Our view.</p>"));
        assert!(page.contains("--accent:#0a7d5a"));
    }
}

#[test]
fn each_company_report_of_a_portfolio_carries_the_templates_look_and_its_own_note() {
    let scratch = Scratch::new();
    scratch.write(
        "companies.csv",
        "name,score,note\nNorthgrid,91,Leads on every part.\nVoltline,55,Reviews pull it down.\n",
    );
    scratch.plugin("score.sh", "echo \"{\\\"score\\\": $1}\"");
    let template = scratch.write(
        "template.toml",
        "[audit]\nname = \"{name}\"\n\n[report]\naccent = \"#0a7d5a\"\n\n[report.notes]\nsummary = \"{note}\"\n\n\
         [[check]]\nid = \"reach\"\nkind = \"exec\"\ncategory = \"reach\"\ncommand = [\"sh\", \"score.sh\", \"{score}\"]\n",
    );
    let reports = scratch.path("reports");
    let output = centricity()
        .arg("portfolio")
        .arg(scratch.path("companies.csv"))
        .arg("--template")
        .arg(&template)
        .args([
            "--no-store",
            "--allow-incomplete",
            "--format",
            "json",
            "--reports",
        ])
        .arg(&reports)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pages: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(pages.len(), 2);
    for (company, note) in [
        ("Northgrid", "Leads on every part."),
        ("Voltline", "Reviews pull it down."),
    ] {
        let page = pages
            .iter()
            .find(|p| p.contains(&format!("<h1>{company}</h1>")))
            .unwrap();
        assert!(page.contains(&format!("<p>{note}</p>")), "{company}");
        assert!(page.contains("--accent:#0a7d5a"));
    }
}
