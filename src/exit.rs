//! Exit codes: a contract with CI jobs, documented in `--help` and the README.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The audit ran and every threshold was met.
    Ok = 0,
    /// Runtime failure: nothing could be scored, or an output could not be written.
    Runtime = 1,
    /// A threshold failed.
    Threshold = 2,
    /// Invalid input: audit file, CSV, arguments.
    InvalidInput = 3,
    /// Some checks errored (or Ctrl-C) and `--allow-incomplete` was not given.
    Incomplete = 4,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
