#![no_main]
libfuzzer_sys::fuzz_target!(|input: &[u8]| targets::action_plan(input));
