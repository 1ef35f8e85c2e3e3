//! Saved observations of networked checks: written after an online run, read
//! back by `--offline` so an audit can be re-scored without the network.

use std::path::{Path, PathBuf};

use crate::kind::CheckError;
use crate::kinds::Observation;

pub fn path_for(dir: &Path, check_id: &str) -> PathBuf {
    dir.join(format!("{check_id}.json"))
}

pub fn load(dir: &Path, check_id: &str) -> Result<Observation, CheckError> {
    let path = path_for(dir, check_id);
    let bytes = crate::input::read(&path, &crate::input::TABLE).map_err(|e| match e {
        crate::input::ReadError::Io { .. } => CheckError::NoSavedEvidence(path.clone()),
        too_large => CheckError::BadEvidence(too_large.to_string()),
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| CheckError::BadEvidence(format!("{}: {e}", path.display())))
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
pub fn save(dir: &Path, check_id: &str, observation: &Observation) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = path_for(dir, check_id);
    let bytes = serde_json::to_vec_pretty(observation).map_err(std::io::Error::other)?;
    crate::output::write_atomically(&path, &bytes)
}
