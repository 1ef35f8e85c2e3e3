//! Every input the fuzzer ever crashed on (or a reported attack reproduced),
//! kept in `fixtures/fuzz/<target>/`, and every seed it starts from, replayed
//! through the same target: none may panic.

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
