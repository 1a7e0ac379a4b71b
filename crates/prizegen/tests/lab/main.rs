//! The lab tools as a test lab runs them: the real binary's `prizegen stream` checked against
//! SPEC §2's block formula (computed here with the `hmac` and `sha2` crates, not the stream
//! code), `prizegen outcomes` checked by `prizegen verify`, and dieharder judging the stream.
//!
//! The dieharder test needs `dieharder` (Debian). Without it the test is skipped with a printed
//! reason (`SKIPPED <test>: <reason>` on standard error, see `support/skip.rs`), except in CI
//! (`CI` set), where a skip would hide a broken setup: it fails.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../support/skip.rs"]
mod skip;

mod dieharder;
mod outcomes;
mod stream;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::io::Write;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");

/// `HMAC-SHA256(key, msg)`, straight from the crates.
fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// SPEC §2's stream of `key`: `B_0 ‖ B_1 ‖ …` with `B_i = HMAC-SHA256(key, decimal(i))`, cut at
/// `len` bytes.
fn published_stream(key: &[u8; 32], len: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 32);
    let mut i = 0u64;
    while bytes.len() < len {
        bytes.extend_from_slice(&hmac(key, i.to_string().as_bytes()));
        i += 1;
    }
    bytes.truncate(len);
    bytes
}

/// Runs `prizegen ARGS` with `stdin` as its standard input, to the end.
fn prizegen(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prizegen starts");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // A writer of its own, so a large input cannot block on a full output pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

/// Waits for `child` to exit; kills it and panics if it has not within 60 s (a command that
/// should have ended, hanging, must not hang the suite).
fn exits(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A key for the tests, none of whose bytes are alike.
fn test_key() -> [u8; 32] {
    std::array::from_fn(|i| 0xa5 ^ (i as u8).wrapping_mul(37))
}

/// The worked example's seed: the bytes 0x00..0x1f.
fn example_seed() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}
