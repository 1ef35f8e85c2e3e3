#![no_main]
libfuzzer_sys::fuzz_target!(|input: &[u8]| targets::svg_logo(input));
