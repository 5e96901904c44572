//! The `keyctl` binary: everything happens in [`keyctl::cli::run_process`].

// See Cargo.toml for why the binary does not use the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let code = keyctl::cli::run_process(std::env::args_os());
    std::process::ExitCode::from(code.code())
}
