//! A structure-aware mutator for the targets that read JSON (libFuzzer's custom mutator): half
//! the time libFuzzer's own byte mutation, else one value of the parsed document changed the
//! ways hostile JSON differs from ours — a character of several bytes inside a string (a slice
//! by byte index cuts it), an extreme number, a value duplicated or dropped — and written back,
//! so the document still parses and the mutation reaches the code behind the parser. JSON lines
//! (`history import`) get one line mutated.

/// Characters and strings put into a string value.
const PIECES: &[&str] = &[
    "é",
    "“",
    "😀",
    "\u{202e}",
    "\u{0}",
    "\u{1b}[2J",
    "\n",
    "\"",
    "\\",
    "<script>",
    "{name}",
    "=cmd|' /C calc'!A0",
];

/// Numbers put in place of a value.
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    -1.0,
    1e308,
    -1e308,
    5e-324,
    9_007_199_254_740_993.0,
    18_446_744_073_709_551_615.0,
    4_294_967_296.0,
];

/// xorshift32, seeded by libFuzzer: the same seed mutates the same way.
struct Rng(u32);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        if n == 0 { 0 } else { self.0 as usize % n }
    }
}

/// libFuzzer's `LLVMFuzzerCustomMutator`: the input in `data[..size]`, the result written back
/// (at most `max_size` bytes); returns its size.
pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = Rng(seed | 1);
    if rng.below(2) == 0 {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    let text = String::from_utf8_lossy(&data[..size]).into_owned();
    let lines: Vec<&str> = text.split('\n').collect();
    let at = rng.below(lines.len());
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(lines[at]) else {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    };
    let count = count_values(&value);
    let target = rng.below(count);
    mutate_value(&mut value, &mut { target }, &mut rng);
    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    lines[at] = value.to_string();
    let out = lines.join("\n");
    if out.len() > max_size {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(out.as_bytes());
    out.len()
}

fn count_values(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_values).sum(),
        serde_json::Value::Object(map) => map.values().map(count_values).sum(),
        _ => 0,
    }
}

/// Mutates the `target`-th value in document order (counting down as the walk goes).
fn mutate_value(value: &mut serde_json::Value, target: &mut usize, rng: &mut Rng) -> bool {
    use serde_json::Value;
    if *target == 0 {
        match value {
            Value::String(s) if rng.below(4) != 0 => {
                let boundaries: Vec<usize> =
                    (0..=s.len()).filter(|i| s.is_char_boundary(*i)).collect();
                let at = boundaries[rng.below(boundaries.len())];
                s.insert_str(at, PIECES[rng.below(PIECES.len())]);
            }
            Value::Array(items) if !items.is_empty() && rng.below(2) == 0 => {
                let i = rng.below(items.len());
                if rng.below(2) == 0 {
                    let copy = items[i].clone();
                    items.insert(i, copy);
                } else {
                    items.remove(i);
                }
            }
            Value::Object(map) if !map.is_empty() && rng.below(2) == 0 => {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            _ => {
                let n = NUMBERS[rng.below(NUMBERS.len())];
                *value = match rng.below(3) {
                    0 => Value::Null,
                    1 => Value::String(n.to_string()),
                    _ => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
                };
            }
        }
        return true;
    }
    *target -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| mutate_value(v, target, rng)),
        Value::Object(map) => map.values_mut().any(|v| mutate_value(v, target, rng)),
        _ => false,
    }
}
