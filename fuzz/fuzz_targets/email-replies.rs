#![no_main]
libfuzzer_sys::fuzz_target!(
    init: targets::abort_only_on_escaped_panics(),
    |input: &[u8]| targets::email_replies(input)
);
