//! One module per subcommand; each returns the exit code it earned.

pub mod actions;
pub mod audit;
pub mod checks;
pub mod history;
pub mod init;
mod outputs;
pub mod portfolio;
pub mod probe;
pub mod reviews;
pub mod serve;
pub mod survey;

use crate::exit::Exit;

/// Bad input from the user: said on stderr, exit 3.
/// A gate that failed, on stderr: it names what failed, and a plan's ids are the client's text.
fn threshold_failed(message: &str) {
    eprintln!(
        "threshold failed: {}",
        crate::report::sanitize::terminal(message)
    );
}

fn input_error(message: &str) -> Exit {
    // Errors quote the input they refuse: shown, never obeyed by the terminal.
    eprintln!(
        "error: {}",
        crate::report::sanitize::terminal_lines(message)
    );
    Exit::InvalidInput
}

/// The async runtime a command does its network work on (several threads when checks run
/// side by side). Failing to start one is a runtime failure, said on stderr.
fn runtime(multi_thread: bool) -> Result<Runtime, Exit> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .map(|rt| Runtime(Some(rt)))
        .map_err(|err| {
            eprintln!("error: cannot start the async runtime: {err}");
            Exit::Runtime
        })
}

/// A tokio runtime that, when the command is done, does not wait for work a
/// timed-out or interrupted check left on the blocking pool (a parse of a
/// hostile page): the command's answer is already out, and the process ends.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.inner().block_on(future)
    }

    /// Runs `future` on the runtime's workers, the caller going on without waiting.
    fn spawn<F>(&self, future: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.inner().spawn(future);
    }

    /// Where work is spawned from code that does not own the runtime.
    fn handle(&self) -> &tokio::runtime::Handle {
        self.inner().handle()
    }

    fn inner(&self) -> &tokio::runtime::Runtime {
        match &self.0 {
            Some(rt) => rt,
            None => unreachable!("the runtime is only taken when dropped"),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}
