//! The span-keeping TOML toolkit every file format of the tool is read with (audit files,
//! site profiles, questionnaires, benchmarks, interviews): values that keep their place,
//! durations, table readers and errors located by file, line and column. A leaf: it imports
//! nothing of the crate.

mod problem;
mod values;

use toml_span::{DeserError, Spanned};

pub use problem::{InputError, LineIndex, Location, Problem};
pub use values::{
    DurationValue, LONGEST_DURATION, Number, custom, parse_duration, parse_toml, problems_from,
    read_table, toml_string,
};

impl InputError {
    /// The problems TOML reading found in `text`, read from `file`, each at its line and column.
    pub fn in_toml(file: &std::path::Path, text: &str, errors: DeserError) -> Self {
        InputError {
            file: file.to_path_buf(),
            problems: problems_from(errors, text),
        }
    }
}

/// An error at a spanned value's place.
pub fn at<T>(message: impl Into<String>, spanned: &Spanned<T>) -> DeserError {
    toml_span::Error {
        kind: toml_span::ErrorKind::Custom(message.into().into()),
        span: spanned.span,
        line_info: None,
    }
    .into()
}
