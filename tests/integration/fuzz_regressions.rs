//! Every input the fuzzer ever crashed on (or a reported attack reproduced),
//! kept in `fixtures/fuzz/<target>/`, and every seed it starts from, replayed
//! through the same target function the libFuzzer binaries call: none may panic.

#[path = "../../fuzz/targets.rs"]
mod targets;

#[test]
fn seeds_and_every_input_that_once_crashed_a_parser_are_read_without_a_panic() {
    let mut regressions = 0;
    for target in targets::TARGETS {
        for path in targets::inputs(target) {
            let input = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| (target.run)(&input));
            assert!(
                outcome.is_ok(),
                "{} panics on {}",
                target.name,
                path.display()
            );
            regressions += usize::from(path.starts_with(targets::repo("fixtures/fuzz")));
        }
    }
    assert!(
        regressions >= 7,
        "the regression inputs are missing: {regressions} replayed"
    );
}

/// A target in the table has its libFuzzer binary and seeds, and every binary and seed line
/// is in the table: none is fuzzed without being replayed, or replayed without being fuzzed.
#[test]
fn every_target_has_a_libfuzzer_binary_and_seeds_and_nothing_else_does() {
    let mut binaries: Vec<String> = std::fs::read_dir(targets::repo("fuzz/fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().replace(".rs", ""))
        .collect();
    binaries.sort();
    let mut names: Vec<String> = targets::TARGETS
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    assert_eq!(binaries, names);
    let manifest = std::fs::read_to_string(targets::repo("fuzz/Cargo.toml")).unwrap();
    for target in targets::TARGETS {
        let seeds = targets::seeds(target);
        assert!(!seeds.is_empty(), "{} has no seeds", target.name);
        assert!(
            seeds.iter().any(|seed| targets::repo(seed).exists()),
            "none of the seeds of {} exists: {seeds:?}",
            target.name
        );
        assert!(
            manifest.contains(&format!("name = \"{}\"", target.name)),
            "fuzz/Cargo.toml has no binary {}",
            target.name
        );
    }
    let listed = include_str!("../../fuzz/seeds.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .count();
    assert_eq!(
        listed,
        targets::TARGETS.len(),
        "a seeds line names no target"
    );
}
