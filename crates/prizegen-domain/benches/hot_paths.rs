//! The domain work of one draw, step by step: what the front end and services 2–4 compute per
//! request, without HTTP or the database. `cargo bench -p prizegen-domain`.
//!
//! Per account-prize draw the front end derives three keys, and letters, numbers and rules
//! each open their stream and read from it. These figures say how small that is next to the
//! HTTP exchanges and the commit (see PERFORMANCE.md).
#![allow(clippy::unwrap_used)] // bench code: a panic is the failure report

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, ServiceKey, Stream};
use prizegen_domain::games::{Impl, account_prize, attack, character, spy_mission};
use std::hint::black_box;
use std::num::NonZeroU32;

fn keys(c: &mut Criterion) {
    let keyer = SeedKeyer::new(&ServerSeed::from_bytes([7; 32]));
    let client = ClientSeed::parse("lucky").unwrap();
    c.bench_function("keys/derive one service key", |b| {
        let mut nonce = 0u64;
        b.iter(|| {
            nonce += 1;
            keyer.key(black_box(&client), nonce, Service::Letters)
        });
    });
    c.bench_function("keys/seed commitment (sha256)", |b| {
        let seed = ServerSeed::from_bytes([7; 32]);
        b.iter(|| black_box(&seed).commitment());
    });
}

fn streams(c: &mut Criterion) {
    let key = ServiceKey::from_bytes([3; 32]);
    c.bench_function("stream/open", |b| b.iter(|| Stream::new(black_box(&key))));
    let mut group = c.benchmark_group("stream/uniform");
    // 8 reads fill one 32-byte block; 64 reads need eight HMAC blocks.
    for reads in [8u64, 64] {
        group.throughput(Throughput::Elements(reads));
        group.bench_with_input(BenchmarkId::from_parameter(reads), &reads, |b, &reads| {
            let n = NonZeroU32::new(26).unwrap();
            b.iter(|| {
                let mut stream = Stream::new(&key);
                (0..reads).map(|_| u64::from(stream.uniform(n))).sum::<u64>()
            });
        });
    }
    group.finish();
}

fn games(c: &mut Criterion) {
    let key = ServiceKey::from_bytes([5; 32]);
    for imp in [Impl::V1, Impl::V2] {
        c.bench_function(&format!("account-prize {}/letters+digits+outcome", imp.as_str()), |b| {
            b.iter(|| {
                let letters = account_prize::letters(imp, &mut Stream::new(&key));
                let digits = account_prize::digits(imp, &mut Stream::new(&key));
                let letters = account_prize::AccountLetters::parse(&letters).unwrap();
                let digits = account_prize::AccountDigits::parse(&digits).unwrap();
                account_prize::outcome(imp, &letters, &digits, &mut Stream::new(&key))
            });
        });
    }
    c.bench_function("spy-mission v1/numbers+letters+mission", |b| {
        b.iter(|| {
            let numbers = spy_mission::numbers(Impl::V1, &mut Stream::new(&key));
            let letters = spy_mission::letters(Impl::V1, &mut Stream::new(&key));
            spy_mission::mission(Impl::V1, &numbers, &letters).unwrap()
        });
    });
    c.bench_function("attack v2/numbers+resolve", |b| {
        b.iter(|| {
            let (roll, power) = attack::numbers(Impl::V2, &mut Stream::new(&key));
            attack::resolve(Impl::V2, roll, power).unwrap()
        });
    });
    c.bench_function("character v1/rolls+background+sheet", |b| {
        b.iter(|| {
            let rolls = character::rolls(Impl::V1, &mut Stream::new(&key));
            let background = character::background(Impl::V1, &mut Stream::new(&key));
            character::sheet(Impl::V1, &rolls, background, [1, 2, 3, 4, 5, 6]).unwrap()
        });
    });
}

criterion_group!(benches, keys, streams, games);
criterion_main!(benches);
