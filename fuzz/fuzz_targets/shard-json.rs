#![no_main]
libfuzzer_sys::fuzz_target!(|input: &[u8]| targets::shard_json(input));
libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    targets::json::mutate(data, size, max_size, seed)
});
