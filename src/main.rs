//! The `keyctl` binary: everything happens in [`keyctl::cli::run`].

fn main() -> std::process::ExitCode {
    let code = keyctl::cli::run(std::env::args_os());
    std::process::ExitCode::from(code.code())
}
