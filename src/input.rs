//! Local input files (saved pages, survey exports, mystery logs, saved evidence) read whole,
//! up to a stated size cap: a file past it is refused with its size, the cap and the variable
//! that raises it, before any of it is read, so one stray file cannot take the memory.

use std::io::Read;
use std::path::{Path, PathBuf};

/// How large one kind of input may be, and the environment variable that raises the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Bytes allowed when the variable is not set.
    pub default: u64,
    /// The variable holding another cap in bytes.
    pub variable: &'static str,
}

/// Saved pages: as large as a fetched page may be (the fetcher stops at 8 MiB). A DOM costs
/// up to 13 times the markup it holds (a page of microdata on every line), so the cap is
/// what bounds a page's memory.
pub const PAGE: Cap = Cap {
    default: 8 << 20,
    variable: "CENTRICITY_MAX_PAGE_BYTES",
};

/// Spreadsheets (survey exports, mystery logs) and saved evidence. Rows are read one at a
/// time, but a survey's answers are kept, one record each, at about 7 times the bytes they
/// took in the file (a 61 MB export peaks at 414 MB): 32 MiB is some 100,000 respondents.
pub const TABLE: Cap = Cap {
    default: 32 << 20,
    variable: "CENTRICITY_MAX_TABLE_BYTES",
};

impl Cap {
    /// The cap in force: the variable's value when it is set.
    pub fn bytes(&self) -> Result<u64, ReadError> {
        match std::env::var(self.variable) {
            Err(_) => Ok(self.default),
            Ok(value) => value.trim().parse().map_err(|_| ReadError::BadCap {
                variable: self.variable,
                value,
            }),
        }
    }
}

/// Why a local input could not be read. Every variant is the user's input to fix (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{}`: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: file too large: {} bytes, the cap is {cap} (raise it with {variable}=BYTES)",
        file.display(),
        bytes.map_or_else(|| format!("more than {cap}"), |b| b.to_string())
    )]
    TooLarge {
        file: PathBuf,
        /// The file's size, when it has one (a pipe does not).
        bytes: Option<u64>,
        cap: u64,
        variable: &'static str,
    },
    #[error("{variable}={value:?} is not a number of bytes")]
    BadCap {
        variable: &'static str,
        value: String,
    },
}

/// The whole file, when it is no larger than `cap`. The size is checked before reading, and
/// the read stops one byte past the cap, so a file that grows or has no size (a pipe, a
/// device) is refused too.
pub fn read(path: &Path, cap: &Cap) -> Result<Vec<u8>, ReadError> {
    let limit = cap.bytes()?;
    let file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let size = file.metadata().map_err(|e| io(path, e))?.len();
    check(path, Some(size), limit, cap)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or_default());
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, None, limit, cap));
    }
    Ok(bytes)
}

/// Whether the file is no larger than `cap`, by its size alone: for inputs checked when an
/// audit or a command is read, long before the file is.
pub fn within_cap(path: &Path, cap: &Cap) -> Result<(), ReadError> {
    let limit = cap.bytes()?;
    let size = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
    check(path, Some(size), limit, cap)
}

fn check(path: &Path, size: Option<u64>, limit: u64, cap: &Cap) -> Result<(), ReadError> {
    match size {
        Some(bytes) if bytes > limit => Err(too_large(path, Some(bytes), limit, cap)),
        _ => Ok(()),
    }
}

fn too_large(path: &Path, bytes: Option<u64>, limit: u64, cap: &Cap) -> ReadError {
    ReadError::TooLarge {
        file: path.to_path_buf(),
        bytes,
        cap: limit,
        variable: cap.variable,
    }
}

fn io(path: &Path, source: std::io::Error) -> ReadError {
    ReadError::Io {
        file: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Cap = Cap {
        default: 10,
        variable: "CENTRICITY_TEST_CAP_UNSET",
    };

    #[test]
    fn a_file_within_the_cap_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ten.txt");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read(&path, &SMALL).unwrap(), b"0123456789");
    }

    #[test]
    fn a_file_past_the_cap_is_refused_with_its_size_the_cap_and_the_way_to_raise_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eleven.txt");
        std::fs::write(&path, b"0123456789a").unwrap();
        let error = read(&path, &SMALL).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: file too large: 11 bytes, the cap is 10 (raise it with CENTRICITY_TEST_CAP_UNSET=BYTES)",
                path.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_without_a_size_is_read_only_up_to_the_cap() {
        // /dev/zero has size 0 and never ends: the read must stop past the cap.
        let error = read(Path::new("/dev/zero"), &SMALL).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::TooLarge {
                    bytes: None,
                    cap: 10,
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("more than 10 bytes"), "{error}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let error = read(Path::new("/nonexistent/page.html"), &SMALL).unwrap_err();
        assert!(matches!(error, ReadError::Io { .. }), "{error}");
    }
}
