//! Instruction counts (gungraun, callgrind): judging one reply of each class, beside parsing it
//! alone (`parse_only`, the baseline). Wall time on a shared machine wanders; the instructions a
//! function executes do not, so these figures compare two builds even on a loaded machine.
//!
//! Needs valgrind and the runner of the same version as the `gungraun` dev-dependency:
//! `cargo install gungraun-runner --version 0.20.0`. Without them this bench says so and exits 0.
//!
//! Run: `cargo bench --bench instructions`

#[path = "shared/fixture_probe.rs"]
mod fixture_probe;

/// The benchmarks and gungraun's harness, in one module so the names it reports are theirs;
/// `main` below runs it only where it can run.
mod counted {
    use std::hint::black_box;
    use std::path::Path;

    use centricity::kind::reply_probe::{judge, signals::Rules};
    use centricity::store::Probe;
    use gungraun::{library_benchmark, library_benchmark_group};

    /// A saved reply, the probe it may answer and the shipped rules, all made before counting.
    struct Reply {
        raw: Vec<u8>,
        probes: Vec<Probe>,
        rules: &'static Rules,
    }

    fn reply(file: &str) -> Reply {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mail/replies")
            .join(file);
        Reply {
            raw: std::fs::read(path).expect("a fixture reply"),
            probes: vec![super::fixture_probe::fixture_probe()],
            // The shipped rules are parsed once, here, not in what is counted.
            rules: Rules::shipped(),
        }
    }

    // Baseline: mail-parser alone.
    #[library_benchmark]
    #[benches::class(
        args = ["human-reply.eml", "gmail-dsn.eml", "outlook-automatic-reply.eml", "newsletter.eml"],
        setup = reply
    )]
    fn parse_only(reply: Reply) -> bool {
        black_box(mail_parser::MessageParser::default().parse(&reply.raw)).is_some()
    }

    #[library_benchmark]
    #[benches::class(
        args = ["human-reply.eml", "gmail-dsn.eml", "outlook-automatic-reply.eml", "newsletter.eml"],
        setup = reply
    )]
    fn judge_reply(reply: Reply) -> bool {
        black_box(judge(&reply.raw, &reply.probes, reply.rules)).is_some()
    }

    library_benchmark_group!(name = replies; benchmarks = parse_only, judge_reply);

    gungraun::main!(library_benchmark_groups = replies);

    pub fn run() {
        main();
    }
}

fn main() {
    // The runner starts this binary again under valgrind (`--gungraun-run`): the counting side.
    let counting = std::env::args()
        .nth(1)
        .is_some_and(|a| a == "--gungraun-run");
    let runner = option_env!("GUNGRAUN_RUNNER").is_some() || on_path("gungraun-runner");
    let can_count = runner && on_path("valgrind");
    if !(counting || can_count) {
        println!(
            "instruction counts skipped: they need valgrind and gungraun-runner \
             (`cargo install gungraun-runner --version 0.20.0`) on the PATH"
        );
        return;
    }
    counted::run();
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}
