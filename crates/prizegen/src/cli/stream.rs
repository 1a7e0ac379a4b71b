//! `prizegen stream`: one key's byte stream (SPEC §2: `B_i = HMAC-SHA256(k, decimal(i))`,
//! concatenated), raw, on stdout, for statistical batteries such as dieharder and PractRand.
//!
//! The bytes come from the domain's own [`Stream`], the type every production draw reads, so a
//! battery judges the code that decides draws and not a second implementation of the formula.

use super::args::StreamArgs;
use super::pipe;
use anyhow::Context;
use prizegen_domain::fairness::{SeedKeyer, ServiceKey, Stream};
use std::io::Write;
use std::process::ExitCode;

/// Bytes written per `write` call: a multiple of 4 (the stream is read 4 bytes at a time) and
/// large enough that the pipe, not the system calls, sets the pace.
const CHUNK: usize = 64 * 1024;

/// Writes the stream of the key `args` name; exit 0 also when the reader closes the pipe.
pub fn run(args: &StreamArgs) -> ExitCode {
    let key = key(args);
    pipe::exit_code("stream", write(&key, args.bytes, &mut std::io::stdout().lock()))
}

/// `--key`, or `k_S` derived from `--seed`, `--client-seed`, `--nonce` and `--service`.
fn key(args: &StreamArgs) -> ServiceKey {
    match (&args.key, &args.seed, args.service) {
        (Some(key), _, _) => *key,
        (None, Some(seed), Some(service)) => {
            let client_seed = args.client_seed.clone().unwrap_or_default();
            SeedKeyer::new(seed).key(&client_seed, args.nonce.unwrap_or(0), service)
        }
        _ => unreachable!("clap requires --key, or --seed with --service"),
    }
}

/// Writes the first `bytes` bytes of `key`'s stream to `out`, or all of it (until a write fails).
pub fn write(key: &ServiceKey, bytes: Option<u64>, out: &mut impl Write) -> anyhow::Result<()> {
    let mut stream = Stream::new(key);
    let mut buffer = vec![0u8; CHUNK];
    let mut left = bytes;
    loop {
        let size = match left {
            Some(0) => break,
            Some(n) => usize::try_from(n).map_or(CHUNK, |n| n.min(CHUNK)),
            None => CHUNK,
        };
        let chunk = &mut buffer[..size];
        // Whole blocks are read 4 bytes at a time without straddling, so the big-endian words
        // are the blocks' bytes in order; only the very last word may be cut short.
        for word in chunk.chunks_mut(4) {
            let next = stream.next_u32().to_be_bytes();
            word.copy_from_slice(&next[..word.len()]);
        }
        out.write_all(chunk).context("writing the stream")?;
        left = left.map(|n| n - size as u64);
    }
    out.flush().context("writing the stream")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_lengths_and_a_prefix_of_the_same_stream() {
        let key = ServiceKey::from_bytes([7; 32]);
        let mut long = Vec::new();
        write(&key, Some(CHUNK as u64 + 33), &mut long).unwrap();
        assert_eq!(long.len(), CHUNK + 33);
        for n in [0, 1, 3, 5, 32, 1000] {
            let mut short = Vec::new();
            write(&key, Some(n), &mut short).unwrap();
            assert_eq!(short, long[..n as usize], "{n} bytes");
        }
    }
}
