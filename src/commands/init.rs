//! `centricity init`: writes a commented starter audit file that validates as is.

use std::path::Path;

use crate::audit::DEFAULT_FILE;
use crate::exit::Exit;

/// The starter file; a test checks that it passes validation.
pub const STARTER: &str = include_str!("starter.toml");

pub fn run(dir: &Path, force: bool, quiet: bool) -> Exit {
    let path = dir.join(DEFAULT_FILE);
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists; use --force to replace it",
            path.display()
        );
        return Exit::InvalidInput;
    }
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return Exit::InvalidInput;
    }
    if let Err(err) = crate::output::write_atomically(&path, STARTER.as_bytes()) {
        eprintln!("error: cannot write {}: {err}", path.display());
        return Exit::Runtime;
    }
    if !quiet {
        eprintln!(
            "wrote {}; edit it, then run: centricity audit {}",
            path.display(),
            path.display()
        );
    }
    Exit::Ok
}

#[cfg(test)]
mod tests {
    #[test]
    fn starter_file_is_a_valid_audit() {
        let audit = crate::audit::parse(super::STARTER, std::path::Path::new("centricity.toml"))
            .unwrap_or_else(|e| panic!("starter is invalid:\n{e}"));
        assert_eq!(audit.checks.len(), 1);
    }
}
