//! Cleanup that survives the test process: a failed assertion still runs destructors, but a
//! test process killed with -9 runs none, and would leave servers, namespaces and files behind.

use std::process::{Command, Stdio};

/// Starts a detached shell that waits until this process has exited — or, sooner, until
/// `still_needed` (a shell condition) turns false — and then runs `cleanup` (shell commands).
// Deliberately never waited for: it must outlive this process to clean up after it.
#[allow(clippy::zombie_processes)]
pub fn after_exit(still_needed: &str, cleanup: &str) {
    let script = format!(
        "while kill -0 {me} 2>/dev/null && {still_needed}; do sleep 0.5; done; {cleanup}",
        me = std::process::id(),
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("a watchdog shell");
}
