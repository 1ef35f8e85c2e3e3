//! The HTML report in a real headless Chromium (Debian's, `scripts/chromium.sh`): it renders to
//! PNG and PDF, its DOM has the report's parts, and hostile text from outside is shown as text
//! and never runs.

use std::path::Path;
use std::process::Command;

use crate::common::{Scratch, centricity, repo_path, service};

/// Chromium as the machine allows it: headless, no sandbox (root in CI), no calls home.
fn chromium(binary: &str, profile: &Path) -> Command {
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

fn render_html(audit: &Path, out: &Path) {
    centricity()
        .arg("audit")
        .arg(audit)
        .args([
            "--offline",
            "--no-store",
            "--allow-incomplete",
            "--format",
            "html",
            "--output",
        ])
        .arg(out)
        .assert()
        .success();
}

/// What the page looks like to a browser once loaded: its DOM after any script would have run.
pub fn dump_dom(binary: &str, scratch: &Scratch, page: &Path) -> String {
    let output = chromium(binary, &scratch.path("profile"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The browser `scripts/chromium.sh start` names.
pub fn browser() -> String {
    service("CENTRICITY_TEST_CHROMIUM", "chromium")
}

#[test]
#[ignore = "needs Chromium: eval \"$(bash scripts/chromium.sh start)\""]
fn the_example_report_renders_to_png_and_pdf_with_its_parts() {
    let binary = browser();
    let scratch = Scratch::new();
    let page = scratch.path("acme.html");
    render_html(&repo_path("fixtures/acme/centricity.toml"), &page);
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 1024 * 1024, "the example's report is {size} bytes");
    let dom = dump_dom(&binary, &scratch, &page);
    for heading in [
        "Acme Telecom",
        "Executive summary",
        "Top actions",
        "Responsiveness across channels",
        "By channel",
        "Ratings and reviews online",
        "Feedback loop",
        "Frontline information access",
        "Appendix: evidence",
        "Appendix: methodology",
    ] {
        assert!(dom.contains(heading), "no {heading:?} in the rendered page");
    }
    // Question texts, not only their ids.
    assert!(
        dom.contains("CAP-04 “"),
        "questions are shown without their text"
    );
    // A picture that is not blank: far more than the same browser makes of an empty page.
    let blank = scratch.write("blank.html", "<!doctype html><html><body></body></html>");
    let shot = |source: &Path, png: &Path| {
        let status = chromium(&binary, &scratch.path("profile"))
            .args(["--window-size=1200,1600"])
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", source.display()))
            .output()
            .unwrap()
            .status;
        assert!(status.success());
        std::fs::metadata(png).unwrap().len()
    };
    let (report_png, blank_png) = (
        shot(&page, &scratch.path("acme.png")),
        shot(&blank, &scratch.path("blank.png")),
    );
    assert!(
        report_png > 10 * blank_png,
        "{report_png} vs blank {blank_png} bytes"
    );
    // Printable: a PDF with a page per part.
    let pdf = scratch.path("acme.pdf");
    let status = chromium(&binary, &scratch.path("profile"))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let pages = bytes
        .windows(b"/Type /Page\n".len())
        .filter(|w| w.starts_with(b"/Type /Page") && !w.starts_with(b"/Type /Pages"))
        .count();
    assert!(pages >= 5, "{pages} pages");
}

/// The HTML report of a plug-in whose every text is an attack, written in `scratch`: the page
/// has no script, no `javascript:` link, and a Content-Security-Policy.
fn hostile_page(scratch: &Scratch) -> std::path::PathBuf {
    // A script, an event handler, a `javascript:` link and CSS, each of which would mark the
    // page `pwned` (written in two halves, so only running code can join them).
    let mark = "document.documentElement.setAttribute('data-'+'pwned','1')";
    let hostile = format!(
        r#"{{"score": 40, "findings": [{{"severity": "fail", "message": "<script>{mark}</script><img src=x onerror=\"{mark}\">", "recommendation": "</style><style>body{{display:none}}</style>"}}], "evidence": [{{"source": "javascript:{mark}", "excerpt": "<a href=\"javascript:{mark}\">click</a><svg onload=\"{mark}\"></svg>"}}]}}"#
    );
    scratch.plugin("hostile.sh", &format!("cat <<'JSON'\n{hostile}\nJSON"));
    let audit = scratch.audit(
        "[[check]]\nid = \"hostile\"\ntitle = \"<b onmouseover=alert(1)>Hostile</b>\"\nkind = \"exec\"\ncategory = \"feedback\"\ncommand = [\"sh\", \"hostile.sh\"]\n",
    );
    let page = scratch.path("hostile.html");
    render_html(&audit, &page);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Content-Security-Policy"));
    assert_eq!(
        html.matches("<script").count(),
        0,
        "a script element in the page"
    );
    assert!(
        !html.contains("href=\"javascript:"),
        "a javascript: link in the page"
    );
    page
}

#[test]
fn hostile_text_is_never_markup_in_the_html_file() {
    hostile_page(&Scratch::new());
}

#[test]
#[ignore = "needs Chromium: eval \"$(bash scripts/chromium.sh start)\""]
fn hostile_text_is_shown_as_text_and_never_runs() {
    let binary = browser();
    let scratch = Scratch::new();
    let page = hostile_page(&scratch);
    let dom = dump_dom(&binary, &scratch, &page);
    assert!(
        !dom.contains("data-pwned"),
        "hostile text ran in the browser"
    );
    // No element the browser built carries an event handler or a script.
    let parsed = scraper::Html::parse_document(&dom);
    let every = scraper::Selector::parse("*").unwrap();
    for element in parsed.select(&every) {
        let element = element.value();
        assert_ne!(element.name(), "script");
        assert!(
            element.attrs().all(|(name, value)| !name.starts_with("on")
                && !value.trim_start().starts_with("javascript:")),
            "an element with a handler or script link: {element:?}"
        );
    }
    // …and is there to read, as text.
    assert!(
        dom.contains("&lt;script&gt;"),
        "the hostile finding is not shown"
    );
    assert!(dom.contains("&lt;b onmouseover=alert(1)&gt;Hostile&lt;/b&gt;"));
}

/// The pages of a PDF and the size of its first (in points), read from its objects.
fn pdf_pages(bytes: &[u8]) -> (usize, String) {
    let text = String::from_utf8_lossy(bytes);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(at, _)| !text[at + "/Type /Page".len()..].starts_with('s'))
        .count();
    let media = text
        .split_once("/MediaBox [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(size, _)| {
            size.split_whitespace()
                .map(|n| format!("{:.0}", n.parse::<f64>().unwrap()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    (pages, media)
}

#[test]
#[ignore = "needs Chromium: eval \"$(bash scripts/chromium.sh start)\""]
fn measured_once_the_report_renders_to_pdf_on_a4_from_the_audit_and_from_the_store() {
    let binary = browser();
    let scratch = Scratch::new();
    let store = scratch.path("history.db");
    let (json, pdf) = (scratch.path("r.json"), scratch.path("r.pdf"));
    centricity()
        .env("CENTRICITY_CHROMIUM", &binary)
        .arg("audit")
        .arg(repo_path("fixtures/acme/centricity.toml"))
        .args(["--offline", "--allow-incomplete", "--store"])
        .arg(&store)
        .args(["--format", "json", "--output"])
        .arg(&json)
        .args(["--format", "pdf", "--output"])
        .arg(&pdf)
        .assert()
        .success();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let (pages, media) = pdf_pages(&bytes);
    assert_eq!(media, "0 0 595 842", "not A4");
    assert!(pages >= 3, "{pages} pages");
    let again = scratch.path("again.pdf");
    centricity()
        .env("CENTRICITY_CHROMIUM", &binary)
        .args(["report", "last", "--store"])
        .arg(&store)
        .args(["--format", "pdf", "--output"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(pdf_pages(&std::fs::read(&again).unwrap()), (pages, media));
    // `[report] paper = "letter"` prints on US Letter, with the logo and without the evidence.
    let dir = scratch.copy_fixture("fixtures/acme", "acme");
    std::fs::copy(
        repo_path("fixtures/logos/partners.svg"),
        dir.join("logo.svg"),
    )
    .unwrap();
    let audit = dir.join("centricity.toml");
    let text = std::fs::read_to_string(&audit).unwrap();
    let (head, checks) = text.split_once("[[check]]").unwrap();
    let settings = "[report]\npaper = \"letter\"\nevidence = \"none\"\nlogo = \"logo.svg\"\n\n";
    std::fs::write(&audit, format!("{head}{settings}[[check]]{checks}")).unwrap();
    let letter = scratch.path("letter.pdf");
    centricity()
        .env("CENTRICITY_CHROMIUM", &binary)
        .arg("audit")
        .arg(&audit)
        .args(["--offline", "--no-store", "--format", "pdf", "--output"])
        .arg(&letter)
        .assert()
        .success();
    let (shorter, media) = pdf_pages(&std::fs::read(&letter).unwrap());
    assert_eq!(media, "0 0 612 792", "not US Letter");
    assert!(
        shorter < pages,
        "{shorter} pages without evidence, {pages} with"
    );
    // The printer's private folder is gone.
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("centricity-pdf-")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn without_a_browser_pdf_is_refused_before_anything_runs() {
    let scratch = Scratch::new();
    let empty = scratch.path("no-programs");
    std::fs::create_dir(&empty).unwrap();
    let pdf = scratch.path("r.pdf");
    let output = centricity()
        .env("PATH", &empty)
        .env_remove("CENTRICITY_CHROMIUM")
        .arg("audit")
        .arg(repo_path("fixtures/acme/centricity.toml"))
        .args(["--offline", "--no-store", "--format", "pdf", "--output"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("apt install chromium"), "{stderr}");
    assert!(!stderr.contains("recorded run"), "it ran first: {stderr}");
    assert!(!pdf.exists());
}
