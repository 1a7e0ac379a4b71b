//! `prizegen stream`: exactly the published bytes, exactly as many as asked, or endless until
//! the reader goes.

use super::{BINARY, example_seed, exits, hmac, prizegen, published_stream, test_key};
use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn the_stream_is_the_published_block_formula_cut_at_the_exact_length() {
    let key = test_key();
    let hex_key = hex::encode(key);
    // Within one block, across blocks, and across the command's 64 KiB writes.
    for len in [0, 1, 31, 1001, 65_536, 65_536 * 3 + 70] {
        let out = prizegen(&["stream", "--key", &hex_key, "--bytes", &len.to_string()], b"");
        assert!(out.status.success(), "{len}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{len}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout.len(), len, "exactly --bytes bytes");
        assert!(out.stdout == published_stream(&key, len), "{len} bytes differ from the formula");
    }
}

#[test]
fn a_key_named_by_seed_client_seed_nonce_and_service_is_the_front_end_s_key() {
    let seed = example_seed();
    let seed_hex = hex::encode(seed);
    // k_S = HMAC-SHA256(seed, "<client_seed>:<nonce>:<S>"), computed here.
    let cases: [(&[&str], &str); 3] = [
        (&["--service", "numbers", "--client-seed", "lucky:7", "--nonce", "42"], "lucky:7:42:numbers"),
        (&["--service", "rules", "--nonce", "3"], ":3:rules"),
        (&["--service", "letters"], ":0:letters"),
    ];
    for (flags, message) in cases {
        let key = hmac(&seed, message.as_bytes());
        let mut args = vec!["stream", "--seed", &seed_hex, "--bytes", "100"];
        args.extend_from_slice(flags);
        let out = prizegen(&args, b"");
        assert!(out.status.success(), "{message}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, published_stream(&key, 100), "{message}");
    }
    // The worked example's letters: its first uniform(26) is 'q' (16), read from these bytes.
    let out = prizegen(&["stream", "--seed", &seed_hex, "--service", "letters", "--bytes", "4"], b"");
    let x = u32::from_be_bytes(out.stdout[..4].try_into().unwrap());
    assert!(u64::from(x) < (1u64 << 32) / 26 * 26 && x % 26 == 16, "{x}");
}

#[test]
fn without_bytes_it_writes_until_the_reader_closes_the_pipe_then_exits_0_quietly() {
    let key = test_key();
    let mut child = Command::new(BINARY)
        .args(["stream", "--key", &hex::encode(key)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut read = vec![0u8; 300_000];
    stdout.read_exact(&mut read).unwrap();
    assert!(read == published_stream(&key, read.len()), "the endless stream is the same stream");
    drop(stdout);
    let status = exits(&mut child, "prizegen stream after its reader closed the pipe");
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "a closed pipe is a normal end, as for `yes | head`: {status:?} {stderr}");
    assert_eq!(stderr, "", "and a quiet one");
}

#[test]
fn bad_arguments_exit_2_with_a_message_naming_the_problem() {
    let (key, seed) = (hex::encode(test_key()), hex::encode(example_seed()));
    let (key, seed) = (key.as_str(), seed.as_str());
    let cases: [(&[&str], &str); 9] = [
        (&["stream"], "--key"),
        (&["stream", "--key", "abc"], "64 hex digits"),
        (&["stream", "--key", key, "--bytes", "-5"], "unexpected argument '-5'"),
        (&["stream", "--key", key, "--bytes", "ten"], "--bytes"),
        (&["stream", "--key", key, "--seed", seed, "--service", "rules"], "cannot be used with"),
        (&["stream", "--seed", seed], "--service"),
        (&["stream", "--seed", seed, "--service", "dice"], "unknown service \"dice\""),
        (&["stream", "--key", key, "--nonce", "1"], "--seed"),
        (&["stream", "--seed", "0011", "--service", "rules"], "64 hex digits"),
    ];
    for (args, says) in cases {
        let out = prizegen(args, b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should say {says:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}
