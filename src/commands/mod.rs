//! One module per subcommand; each returns the exit code it earned.

pub mod audit;
pub mod checks;
pub mod history;
pub mod init;
pub mod probe;
pub mod reviews;
pub mod survey;
