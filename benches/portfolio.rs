//! Portfolio benchmark (divan, wall time; the throughput is companies/s).
//!
//! Serves N synthetic company sites on loopback, one address each (127.0.1.1, 127.0.1.2, …, so
//! per-host politeness applies as on the internet): a home page and a contact page (mailto, tel,
//! a form, a chat widget); every tenth is slow, every seventh disallows /private/ in
//! robots.txt. Their ratings are on one shared review platform (127.0.0.2), one page each with a
//! planted JSON-LD rating (every twentieth has none), which every company's check reads at the
//! platform's shared pace. Runs
//! `centricity portfolio` (`http` + `contact-reach` + `reviews`, delays low for loopback) at
//! 100, 300 and 1,000 companies, once each: divan shows the wall time and companies/s, and after
//! it each size's peak RSS and whether the reputation ranking follows the planted ratings.
//! Targets on 2 cores: 1,000 companies in under 60 s, peak memory under 300 MB, growth linear
//! (companies/s flat across the sizes).
//!
//! Run: `cargo bench --bench portfolio`

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use divan::Bencher;
use divan::counter::ItemsCount;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BINARY: &str = env!("CARGO_BIN_EXE_centricity");
/// The most companies a run audits: every one has its own site.
const LARGEST: usize = 1000;
/// The review platform every company is rated on.
const PLATFORM: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

fn address(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 1 + (i / 250) as u8, 0, 1 + (i % 250) as u8)
}

/// The company's planted rating (1.0–5.0, all distinct among the first thousand).
fn planted(i: usize) -> f64 {
    1.0 + ((i * 7919) % 1000) as f64 * 0.004
}

fn page(i: usize, path: &str) -> Option<(&'static str, String)> {
    let html = "text/html; charset=utf-8";
    match path {
        "/" => Some((html, format!("<html><head><title>Company {i}</title></head><body><a href=\"/contact\">Contact us</a> <a href=\"/reviews\">Reviews</a></body></html>"))),
        "/contact" => Some((html, "<html><body><a href=\"mailto:help@example.com\">mail</a> <a href=\"tel:+3212345678\">call</a><form action=\"/send\" method=\"post\"><textarea name=\"message\"></textarea></form><script src=\"https://widget.intercom.io/widget/x\"></script></body></html>".into())),
        _ if path == format!("/review/{i}") && i % 20 != 19 => Some((html, format!("<html><head><script type=\"application/ld+json\">{{\"@type\":\"Organization\",\"name\":\"Company {i}\",\"aggregateRating\":{{\"@type\":\"AggregateRating\",\"ratingValue\":\"{:.3}\",\"bestRating\":\"5\",\"ratingCount\":\"500\"}}}}</script></head><body></body></html>", planted(i)))),
        "/robots.txt" if i.is_multiple_of(7) => Some(("text/plain", "User-agent: *\nDisallow: /private/\n".into())),
        _ => None,
    }
}

async fn serve(i: usize, listener: tokio::net::TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            // The review platform serves every company's page at /review/<i>.
            let i = path
                .strip_prefix("/review/")
                .and_then(|n| n.parse().ok())
                .unwrap_or(i);
            if i % 10 == 9 {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let (status, kind, body) = match page(i, &path) {
                Some((kind, body)) => ("200 OK", kind, body),
                None => ("404 Not Found", "text/plain", "not found".to_string()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}

/// The sites, served on a runtime of their own, and the template every company is audited from.
struct Sites {
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    port: u16,
    template: PathBuf,
}

static SITES: LazyLock<Sites> = LazyLock::new(|| {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let port = 18_000 + (std::process::id() % 2000) as u16;
    runtime.block_on(async {
        for i in 0..LARGEST {
            let addr = SocketAddr::from((address(i), port));
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
            tokio::spawn(serve(i, listener));
        }
        let platform = SocketAddr::from((PLATFORM, port));
        let listener = tokio::net::TcpListener::bind(platform)
            .await
            .unwrap_or_else(|e| panic!("cannot listen on {platform}: {e}"));
        tokio::spawn(serve(usize::MAX, listener));
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let template = dir.path().join("template.toml");
    std::fs::write(
        &template,
        "[audit]\nname = \"{name}\"\nsite = \"{site}\"\n\n\
         [[check]]\nid = \"home\"\nkind = \"http\"\nurl = \"{site}/\"\nsamples = 2\n\n\
         [[check]]\nid = \"reach\"\nkind = \"contact-reach\"\nmax_pages = 5\ndelay = \"10ms\"\n\n\
         [[check]]\nid = \"ratings\"\nkind = \"reviews\"\nsources = [\"{review}\"]\ndelay = \"10ms\"\n",
    )
    .expect("template");
    Sites {
        _runtime: runtime,
        _dir: dir,
        port,
        template,
    }
});

/// What each size's run showed besides its time, printed after divan's table.
static FIGURES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn main() {
    println!(
        "portfolio of synthetic sites on loopback (http + contact-reach + reviews per company)"
    );
    LazyLock::force(&SITES);
    divan::main();
    for line in FIGURES.lock().expect("figures").iter() {
        println!("{line}");
    }
}

#[divan::bench(args = [100, 300, 1000], sample_count = 1, sample_size = 1)]
fn portfolio(bencher: Bencher, size: usize) {
    let sites = &*SITES;
    let csv = sites
        .template
        .with_file_name(format!("companies-{size}.csv"));
    let mut rows = String::from("name,sector,site,review\n");
    for i in 0..size {
        rows.push_str(&format!(
            "Company {i},sector-{},http://{}:{port},http://{PLATFORM}:{port}/review/{i}\n",
            i % 5,
            address(i),
            port = sites.port
        ));
    }
    std::fs::write(&csv, rows).expect("companies");
    bencher
        .counter(ItemsCount::new(size))
        .bench(|| run(size, &csv, &sites.template));
}

/// One portfolio run of `size` companies, its peak memory and ranking noted in `FIGURES`.
fn run(size: usize, csv: &std::path::Path, template: &std::path::Path) {
    let child = std::process::Command::new(BINARY)
        .arg("portfolio")
        .arg(csv)
        .arg("--template")
        .arg(template)
        .args([
            "--no-store",
            "--quiet",
            "--format",
            "json",
            "--concurrency",
            "32",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("portfolio");
    let status_file = format!("/proc/{}/status", child.id());
    let watcher = std::thread::spawn(move || {
        let mut peak_kb = 0u64;
        while let Some(kb) = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak_kb = peak_kb.max(kb);
            std::thread::sleep(Duration::from_millis(20));
        }
        peak_kb
    });
    let output = child.wait_with_output().expect("portfolio output");
    let peak_mb = watcher.join().unwrap_or(0) as f64 / 1024.0;
    let ranking: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    let companies = ranking["companies"].as_array().cloned().unwrap_or_default();
    // Does reputation follow the planted ratings? Count the pairs in the wrong order.
    let mut rated: Vec<(f64, f64)> = companies
        .iter()
        .filter_map(|c| {
            let i: usize = c["name"].as_str()?.strip_prefix("Company ")?.parse().ok()?;
            Some((planted(i), c["categories"]["reputation"].as_f64()?))
        })
        .collect();
    rated.sort_by(|a, b| a.0.total_cmp(&b.0));
    let inversions = rated.windows(2).filter(|w| w[1].1 + 1e-9 < w[0].1).count();
    FIGURES.lock().expect("figures").push(format!(
        "  {size:>5} companies  peak {peak_mb:>6.1} MB  ranked {}  rated {}  reputation out of planted order: {inversions}",
        companies.iter().filter(|c| c["place"].is_number()).count(),
        rated.len(),
    ));
}
