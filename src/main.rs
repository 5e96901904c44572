//! The `keyctl` binary: everything happens in [`keyctl::cli::run_process`].

fn main() -> std::process::ExitCode {
    let code = keyctl::cli::run_process(std::env::args_os());
    std::process::ExitCode::from(code.code())
}
