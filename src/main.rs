//! The `centricity` binary: everything is in the library; this maps the
//! outcome to the documented exit code.

fn main() -> std::process::ExitCode {
    centricity::run(std::env::args_os()).into()
}
