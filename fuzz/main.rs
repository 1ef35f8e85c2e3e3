//! A mutation fuzzer on the stable toolchain (libFuzzer and AFL need nightly or
//! extra tools): each target's seeds are mutated the ways hostile input differs
//! from good input (flipped and inserted bytes, repeated and spliced chunks,
//! markup and JSON fragments, multi-byte characters, extreme numbers) and fed
//! to the parser under `catch_unwind`. A panic or an input slower than the
//! slow limit is saved under `target/fuzz/findings/` and fails the run; put it
//! in `fixtures/fuzz/<target>/` and it becomes a regression test.
//!
//! Usage: fuzz [SECONDS_PER_TARGET] [TARGET…]   (FUZZ_SEED fixes the random sequence)

#[path = "targets.rs"]
mod targets;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use targets::{TARGETS, Target, repo};

static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// An input taking longer than this is reported: work must be linear in the input's size.
const SLOW: Duration = Duration::from_secs(3);
/// Mutated inputs are kept below this size so a round stays quick.
const MAX_INPUT: usize = 256 * 1024;

/// Fragments hostile input is made of.
const DICTIONARY: &[&[u8]] = &[
    b"<div>", b"</div>", b"<div itemscope itemtype=\"https://schema.org/Thing\" itemprop=\"aggregateRating review author\">",
    b"<span property=\"ratingValue name\" typeof=\"Thing\">", b" itemref=\"a a a b\" id=\"a\"", b"<script type=\"application/ld+json\">",
    b"</script>", b"{\"@id\":\"#x\"}", b"{\"@id\":\"#x\",\"@type\":\"Organization\",\"a\":{\"@id\":\"#x\"}}", b"\"@graph\":[",
    b"\xe2\x80\x9c", b"\xe2\x80\x9d", b"\xf0\x9f\x98\x80", b"\xff\xfe", b"\xc3", b"\x00", b"\x1b[2J", b"\r\n", b"\n[[check]]\n",
    b"1e308", b"-1", b"18446744073709551616", b"NaN", b"99999999999999999999s", b"\"wait_s\": 1e300", b"9999-12-31T23:59:59+14:00",
    b"\"", b"'", b",", b";", b"\t", b"=", b"[", b"]", b"{", b"}", b"<!--", b"-->", b"<![CDATA[", b"]]>",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n", b"--b\r\n", b"Auto-Submitted: auto-replied\r\n",
];

/// xorshift64*: enough randomness for mutation, repeatable from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(8) {
            0 if len > 0 => input[at.min(len - 1)] ^= 1 << rng.below(8),
            1 => input.insert(at, rng.next() as u8),
            2 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                input.drain(at.min(len - 1)..end);
            }
            3 => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())];
                input.splice(at..at, word.iter().copied());
            }
            4 => {
                // A chunk repeated: nesting and fan-out come from repetition.
                let start = rng.below(len);
                let end = (start + 1 + rng.below(128)).min(len);
                let chunk = input[start..end].to_vec();
                for _ in 0..1 + rng.below(64) {
                    input.splice(at..at, chunk.iter().copied());
                }
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            6 if len > 0 => input.truncate(at),
            _ => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())];
                for _ in 0..1 + rng.below(200) {
                    input.splice(at..at, word.iter().copied());
                }
            }
        }
    }
    input.truncate(MAX_INPUT);
}

fn seeds_of(target: &Target) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = targets::inputs(target)
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter(|b| b.len() <= MAX_INPUT)
        .collect();
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// Runs one target for `budget`; returns how many inputs ran and the findings saved.
fn fuzz(
    target: &Target,
    budget: Duration,
    rng: &mut Rng,
    findings_dir: &Path,
) -> (usize, Vec<PathBuf>) {
    let seeds = seeds_of(target);
    let started = Instant::now();
    let (mut runs, mut findings) = (0, Vec::new());
    let current = findings_dir.join(format!("{}.current", target.name));
    while started.elapsed() < budget {
        let mut input = seeds[rng.below(seeds.len())].clone();
        if runs > 0 {
            mutate(rng, &seeds, &mut input);
        }
        // Kept before the run: a crash the process cannot survive (an abort) leaves it here.
        let _ = std::fs::write(&current, &input);
        let began = Instant::now();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
        let took = began.elapsed();
        runs += 1;
        let problem = match outcome {
            Err(_) => Some("panic"),
            Ok(()) if took > SLOW => Some("slow"),
            Ok(()) => None,
        };
        if let Some(problem) = problem {
            let name = format!("{}-{problem}-{:016x}", target.name, fingerprint(&input));
            let path = findings_dir.join(name);
            let _ = std::fs::write(&path, &input);
            eprintln!(
                "  {problem} after {took:?} ({} bytes): {}",
                input.len(),
                path.display()
            );
            if problem == "panic" {
                eprintln!(
                    "    {}",
                    LAST_PANIC
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                );
            }
            findings.push(path);
        }
    }
    let _ = std::fs::remove_file(&current);
    (runs, findings)
}

fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let only: Vec<String> = args.collect();
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let findings_dir = repo("target/fuzz/findings");
    let _ = std::fs::create_dir_all(&findings_dir);
    // A panic's message is kept, and printed only when it escapes a target (the
    // library catches some on purpose, around parsers it does not own).
    std::panic::set_hook(Box::new(|info| {
        *LAST_PANIC
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = info.to_string();
    }));
    let mut rng = Rng(seed);
    eprintln!("fuzzing with FUZZ_SEED={seed}, {seconds} s per target");
    let mut failed = 0;
    for target in TARGETS
        .iter()
        .filter(|t| only.is_empty() || only.iter().any(|o| o == t.name))
    {
        let (runs, findings) = fuzz(
            target,
            Duration::from_secs(seconds),
            &mut rng,
            &findings_dir,
        );
        eprintln!(
            "{:<16} {runs:>8} inputs, {} finding(s)",
            target.name,
            findings.len()
        );
        failed += findings.len();
    }
    if failed > 0 {
        eprintln!(
            "{failed} finding(s) in {}: add each to fixtures/fuzz/<target>/ once fixed",
            findings_dir.display()
        );
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
