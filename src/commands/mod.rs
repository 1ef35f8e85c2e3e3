//! One module per subcommand; each returns the exit code it earned.

pub mod audit;
pub mod checks;
pub mod history;
pub mod init;
pub mod probe;
pub mod reviews;
pub mod survey;

use crate::exit::Exit;

/// The async runtime a command does its network work on (several threads when checks run
/// side by side). Failing to start one is a runtime failure, said on stderr.
fn runtime(multi_thread: bool) -> Result<tokio::runtime::Runtime, Exit> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all().build().map_err(|err| {
        eprintln!("error: cannot start the async runtime: {err}");
        Exit::Runtime
    })
}
