//! A service's byte stream and the draws read from it.
//!
//! Blocks `B_i = HMAC-SHA256(key = k_S, msg = decimal(i))` for i = 0, 1, 2, … are concatenated;
//! numbers are read 4 bytes at a time (big-endian u32) and turned into a uniform choice by
//! rejection sampling, so no outcome is favoured by modulo bias.

use super::ServiceKey;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::num::NonZeroU32;

type HmacSha256 = Hmac<Sha256>;

/// The deterministic byte stream of one service for one draw.
pub struct Stream {
    /// HMAC state keyed with `k_S`, cloned for each block.
    keyed: HmacSha256,
    /// Index of the next block to compute.
    next_block: u64,
    /// The current block.
    block: [u8; 32],
    /// Read position inside `block`; 32 means "compute the next block first".
    pos: usize,
}

impl Stream {
    /// The stream of `key`, positioned at its first byte.
    pub fn new(key: &ServiceKey) -> Self {
        let keyed =
            <HmacSha256 as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length");
        Self { keyed, next_block: 0, block: [0; 32], pos: 32 }
    }

    /// The next 4 bytes as a big-endian u32. Blocks are 32 bytes, so a read never straddles two.
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == self.block.len() {
            let mut mac = self.keyed.clone();
            mac.update(self.next_block.to_string().as_bytes());
            self.block = mac.finalize().into_bytes().into();
            self.next_block += 1;
            self.pos = 0;
        }
        let bytes = [
            self.block[self.pos],
            self.block[self.pos + 1],
            self.block[self.pos + 2],
            self.block[self.pos + 3],
        ];
        self.pos += 4;
        u32::from_be_bytes(bytes)
    }

    /// `uniform(n)`: a number in `0..n`, every value equally likely.
    pub fn uniform(&mut self, n: NonZeroU32) -> u32 {
        uniform_from(n, || self.next_u32())
    }

    /// `uniform(n)` for a count known to be non-zero at the call site (alphabets, lists, ranges).
    fn uniform_usize(&mut self, n: usize) -> usize {
        let n = u32::try_from(n).ok().and_then(NonZeroU32::new).expect("a non-empty, u32-sized choice");
        self.uniform(n) as usize
    }

    /// `alphabet[uniform(n)]`.
    pub fn letter(&mut self, alphabet: &[u8]) -> char {
        char::from(alphabet[self.uniform_usize(alphabet.len())])
    }

    /// `n` letters from `alphabet`, in stream order.
    pub fn letters(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| self.letter(alphabet)).collect()
    }

    /// `uniform(10)` as an ASCII digit.
    pub fn digit(&mut self) -> char {
        char::from(b'0' + self.uniform_usize(10) as u8)
    }

    /// `n` digits, leading zeros kept.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| self.digit()).collect()
    }

    /// An integer in `[lo, hi]`: `lo + uniform(hi - lo + 1)`.
    pub fn int_in(&mut self, lo: u32, hi: u32) -> u32 {
        assert!(lo <= hi && hi - lo < u32::MAX, "a range of at most u32::MAX values");
        lo + self.uniform_usize((hi - lo + 1) as usize) as u32
    }

    /// A decimal in `[0, m)` with `places` decimal places, as its integer count of
    /// `10^-places` units: `uniform(m * 10^places)`.
    pub fn decimal_units(&mut self, m: u32, places: u32) -> u32 {
        self.uniform_usize(m as usize * 10usize.pow(places)) as u32
    }

    /// A chance of `percent`%: `uniform(100) < percent`.
    pub fn chance(&mut self, percent: u32) -> bool {
        (self.uniform_usize(100) as u32) < percent
    }

    /// `list[uniform(n)]`.
    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.uniform_usize(list.len())]
    }
}

/// Rejection sampling over any source of u32s: read `x`; if `x < floor(2^32 / n) * n` return
/// `x mod n`, else read again. Separate from [`Stream`] so the rule is testable on chosen inputs.
pub fn uniform_from(n: NonZeroU32, mut next: impl FnMut() -> u32) -> u32 {
    let n = u64::from(n.get());
    let limit = (1u64 << 32) / n * n;
    loop {
        let x = u64::from(next());
        if x < limit {
            return (x % n) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn first_block_is_hmac_of_zero() {
        let key = ServiceKey::from_bytes([3; 32]);
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&[3; 32]).unwrap();
        mac.update(b"0");
        let block: [u8; 32] = mac.finalize().into_bytes().into();
        let mut stream = Stream::new(&key);
        for chunk in block.chunks(4) {
            assert_eq!(stream.next_u32(), u32::from_be_bytes(chunk.try_into().unwrap()));
        }
        // The ninth read comes from block 1 = HMAC(k, "1").
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&[3; 32]).unwrap();
        mac.update(b"1");
        let block1: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(stream.next_u32(), u32::from_be_bytes(block1[..4].try_into().unwrap()));
    }

    #[test]
    fn rejects_the_top_of_the_range_for_n_3() {
        // floor(2^32 / 3) * 3 = 4294967295 = u32::MAX, so only u32::MAX is rejected.
        let mut inputs = [u32::MAX, u32::MAX, 7].into_iter();
        assert_eq!(uniform_from(nz(3), || inputs.next().unwrap()), 1);
        assert_eq!(inputs.next(), None, "both biased values were skipped, 7 was used");
    }

    #[test]
    fn n_1_accepts_everything() {
        assert_eq!(uniform_from(nz(1), || u32::MAX), 0);
    }

    #[test]
    fn int_in_and_decimal_stay_in_range() {
        let mut stream = Stream::new(&ServiceKey::from_bytes([1; 32]));
        for _ in 0..1000 {
            assert!((1..=20).contains(&stream.int_in(1, 20)));
            assert!(stream.decimal_units(10, 2) < 1000);
        }
    }

    proptest! {
        #[test]
        fn uniform_is_in_range(n in 1u32.., seed in any::<[u8; 32]>()) {
            let mut stream = Stream::new(&ServiceKey::from_bytes(seed));
            prop_assert!(stream.uniform(nz(n)) < n);
        }

        /// The first accepted input decides, and exactly the inputs at or above
        /// floor(2^32 / n) * n (the biased tail) are skipped.
        #[test]
        fn rejects_exactly_the_biased_tail(n in 1u32.., xs in proptest::collection::vec(any::<u32>(), 1..8)) {
            let limit = (1u64 << 32) / u64::from(n) * u64::from(n);
            let mut extended = xs.clone();
            extended.push(0); // 0 is always accepted, so the sampler terminates
            let mut consumed = 0;
            let got = uniform_from(nz(n), || { consumed += 1; extended[consumed - 1] });
            let first_ok = extended.iter().position(|&x| u64::from(x) < limit).unwrap();
            prop_assert_eq!(consumed, first_ok + 1);
            prop_assert_eq!(got, extended[first_ok] % n);
        }

        /// Values near the limit: limit - 1 is accepted, limit is rejected.
        #[test]
        fn boundary_of_the_tail(n in 2u32..) {
            let limit = (1u64 << 32) / u64::from(n) * u64::from(n);
            prop_assume!(limit <= u64::from(u32::MAX));
            let below = (limit - 1) as u32;
            prop_assert_eq!(uniform_from(nz(n), || below), below % n);
            let mut inputs = [limit as u32, 5].into_iter();
            prop_assert_eq!(uniform_from(nz(n), || inputs.next().unwrap()), 5 % n);
        }
    }
}
