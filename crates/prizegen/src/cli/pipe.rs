//! How the lab commands end: their output is usually piped into another program (dieharder,
//! PractRand, `head`), and that program closing the pipe is a normal end, as for `yes | head`.

use std::io;
use std::process::ExitCode;

/// Exit 0 when `result` is fine or the reader closed the pipe; otherwise say why on stderr
/// (as `prizegen <command>: …`) and exit 1.
pub fn exit_code(command: &str, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("prizegen {command}: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Rust ignores SIGPIPE, so a write to a closed pipe is an `EPIPE` error rather than a signal.
fn closed_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_a_normal_end_other_errors_are_not() {
        let closed = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(closed_pipe(&closed.context("writing the stream")));
        assert!(!closed_pipe(&anyhow::Error::from(io::Error::from(io::ErrorKind::StorageFull))));
        assert!(!closed_pipe(&anyhow::anyhow!("the OS random source failed")));
    }
}
