//! The `prizegen` binary; everything is in the library.

fn main() -> std::process::ExitCode {
    prizegen::cli::main()
}
