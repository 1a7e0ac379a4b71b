//! Seeding through the Store: players registered with one real Argon2id hash, then signed-in
//! account-prize draws spread over the last days, many in flight at once; and the write-cost
//! comparison of anonymous and signed-in draws.

use anyhow::{Context, bail};
use prizegen::contract::Instance;
use prizegen::frontend::calls::prize_draw;
use prizegen::frontend::players::passwords::Hasher;
use prizegen::store::{
    CampaignFields, CampaignWrite, InsertOutcome, NewDraw, NewPlayer, Registration, ServedBy, Store, now_ms,
};
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, Stream};
use prizegen_domain::games::account_prize::{self, AccountDigits, AccountLetters};
use prizegen_domain::games::{Game, Impl};
use prizegen_domain::money::Prize;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// A day, in milliseconds.
const DAY_MS: i64 = 86_400_000;
/// The second campaign of account-prize, which takes a quarter of the draws, so that a
/// campaign's board differs from its game's.
pub const SECOND_CAMPAIGN: &str = "seed-gig";
/// Player activity follows Zipf's law with this exponent: with 10,000 players the busiest makes
/// about 2 % of the draws (20,000 of 1,000,000), the median player about 50, the last about 30.
const ZIPF_EXPONENT: f64 = 0.7;
/// Nonces leased at a time, shared by all tasks: the front end's block (`frontend::nonces`).
const NONCE_BLOCK: u64 = prizegen::frontend::nonces::BLOCK;

/// How much to seed.
pub struct Plan {
    /// Players to register.
    pub players: u32,
    /// Draws to store.
    pub draws: u64,
    /// Over how many days, ending now.
    pub days: u32,
    /// In flight at once.
    pub concurrency: usize,
}

/// The name of the `i`th seeded player.
pub fn name_of(i: u32) -> String {
    format!("Player-{i:05}")
}

/// Fills an empty database as `plan` says, printing the time each part takes.
pub async fn run(store: &Store, plan: Plan) -> anyhow::Result<()> {
    if store.player_by_name(&name_of(0).to_ascii_lowercase()).await?.is_some() {
        bail!("this database is already seeded; seed a fresh one (or use --measure / --write-cost)");
    }
    let end_ms = now_ms();
    let start_ms = end_ms - i64::from(plan.days) * DAY_MS;
    let started = Instant::now();
    let ids = register(store, plan.players, plan.concurrency, start_ms).await?;
    let registering = started.elapsed();
    println!(
        "registered {} players in {:.1} s ({:.0}/s; one Argon2id hash, reused)",
        ids.len(),
        registering.as_secs_f64(),
        ids.len() as f64 / registering.as_secs_f64()
    );
    create_second_campaign(store).await?;
    let population = Arc::new(Population::zipf(ids, 0x5eed));
    let drawing =
        Drawing::new(store, population, plan.draws, Dating::Spread { start_ms, end_ms }, false).await?;
    let (elapsed, drawing) = drawing.run(plan.concurrency).await?;
    report("seeded", &drawing, elapsed);
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Stores `draws` anonymous and `draws` signed-in draws dated now, in alternating blocks (so
/// both see the same database), and prints each kind's rate: the difference is the
/// leaderboard's upsert (and the player's foreign key) on the draw path.
pub async fn write_cost(store: &Store, players: u32, draws: u64, concurrency: usize) -> anyhow::Result<()> {
    let mut ids = Vec::with_capacity(players as usize);
    for i in 0..players {
        let player = store.player_by_name(&name_of(i).to_ascii_lowercase()).await?;
        ids.push(player.with_context(|| format!("{} is missing: seed first", name_of(i)))?.id);
    }
    let population = Arc::new(Population::zipf(ids, 0xc057));
    let block = (draws / 4).clamp(1, 10_000);
    let mut totals = [(Duration::ZERO, 0u64, 0u64); 2];
    let mut done = 0;
    while done < draws {
        let n = block.min(draws - done);
        for (anonymous, total) in [true, false].into_iter().zip(totals.iter_mut()) {
            let drawing = Drawing::new(store, population.clone(), n, Dating::Now, anonymous).await?;
            let (elapsed, drawing) = drawing.run(concurrency).await?;
            total.0 += elapsed;
            total.1 += n;
            total.2 += drawing.prized.load(Relaxed);
        }
        done += n;
    }
    println!("write cost, {concurrency} in flight, blocks of {block}, dated now:");
    for (label, (elapsed, n, prized)) in ["anonymous", "signed in"].into_iter().zip(totals) {
        println!(
            "  {label:<10} {n} draws in {:.1} s: {:.0} draws/s ({prized} prizes, {:.1} %)",
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64(),
            100.0 * prized as f64 / n as f64
        );
    }
    let rate = |(elapsed, n, _): (Duration, u64, u64)| n as f64 / elapsed.as_secs_f64();
    println!("  signed in / anonymous: {:.1} %", 100.0 * rate(totals[1]) / rate(totals[0]));
    Ok(())
}

/// Registers `n` players concurrently, each with the same real Argon2id hash; their ids in
/// name order.
async fn register(store: &Store, n: u32, concurrency: usize, joined_ms: i64) -> anyhow::Result<Vec<i64>> {
    let hash = Hasher::new()?.hash("a long seeding passphrase, never used to sign in".into()).await?;
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(n as usize).max(1) {
        let (store, next, hash) = (store.clone(), next.clone(), hash.clone());
        tasks.spawn(async move {
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, Relaxed);
                if i >= u64::from(n) {
                    return anyhow::Ok(ids);
                }
                let name = name_of(i as u32);
                let player = NewPlayer {
                    name_key: name.to_ascii_lowercase(),
                    name,
                    password_hash: hash.clone(),
                    created_at_ms: joined_ms - DAY_MS + i as i64,
                };
                match store.register_player(player).await? {
                    Registration::Registered(record) => ids.push((i, record.id)),
                    Registration::NameTaken => bail!("{} is taken: seed a fresh database", name_of(i as u32)),
                }
            }
        });
    }
    let mut ids = Vec::with_capacity(n as usize);
    while let Some(done) = tasks.join_next().await {
        ids.extend(done??);
    }
    ids.sort_unstable();
    Ok(ids.into_iter().map(|(_, id)| id).collect())
}

/// Creates [`SECOND_CAMPAIGN`] (no budget, so the ladder pays every prize), unless it exists.
async fn create_second_campaign(store: &Store) -> anyhow::Result<()> {
    if store.campaign(SECOND_CAMPAIGN).await?.is_some() {
        return Ok(());
    }
    let fields = CampaignFields {
        slug: SECOND_CAMPAIGN.into(),
        name: "Seeded gig".into(),
        venue: "The seeding hall".into(),
        date: "2026-12-31".into(),
        game: Game::AccountPrize.slug().into(),
        budget_pence: None,
        active: true,
    };
    match store.create_campaign(fields, prizegen::store::Actor::Api).await? {
        CampaignWrite::Done(_) => Ok(()),
        other => bail!("creating {SECOND_CAMPAIGN}: {other:?}"),
    }
}

/// When the draws are dated.
#[derive(Clone, Copy)]
enum Dating {
    /// Evenly from `start_ms` to `end_ms`, in draw order.
    Spread { start_ms: i64, end_ms: i64 },
    /// At the moment each is made, as the front end does.
    Now,
}

/// One run of draws, shared by its tasks.
struct Drawing {
    store: Store,
    seed_id: i64,
    keyer: SeedKeyer,
    population: Arc<Population>,
    served_by: ServedBy,
    total: u64,
    dating: Dating,
    anonymous: bool,
    /// The next draw's index.
    next: AtomicU64,
    /// The nonces leased and not yet used, shared as the front end shares its block: when it
    /// runs out every task waits for one refill. (Each task leasing its own block, sixteen
    /// refills' `SELECT … FOR UPDATE` on the seed row starved behind the other tasks' draws'
    /// `FOR SHARE` on PostgreSQL until the statement timeout.)
    lease: std::sync::Mutex<Range<u64>>,
    /// Held while refilling, so one task refills.
    refill: tokio::sync::Mutex<()>,
    /// Draws stored, prizes among them, and account numbers drawn again after a collision.
    done: AtomicU64,
    prized: AtomicU64,
    collisions: AtomicU64,
}

impl Drawing {
    /// `total` draws with the database's current seed (stored now if there is none).
    async fn new(
        store: &Store,
        population: Arc<Population>,
        total: u64,
        dating: Dating,
        anonymous: bool,
    ) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
        let seed = store.current_seed_or_insert(ServerSeed::from_bytes(bytes)).await?;
        let at = |name: &str| Some(Instance::new("v1", name));
        Ok(Self {
            store: store.clone(),
            seed_id: seed.id,
            keyer: SeedKeyer::new(&seed.seed),
            population,
            served_by: ServedBy {
                frontend: Instance::new(env!("CARGO_PKG_VERSION"), "seed-players"),
                letters: at("seed-letters"),
                numbers: at("seed-numbers"),
                rules: at("seed-rules"),
            },
            total,
            dating,
            anonymous,
            next: AtomicU64::new(0),
            lease: std::sync::Mutex::new(0..0),
            refill: tokio::sync::Mutex::new(()),
            done: AtomicU64::new(0),
            prized: AtomicU64::new(0),
            collisions: AtomicU64::new(0),
        })
    }

    /// Stores every draw with `concurrency` tasks; how long it took.
    async fn run(self, concurrency: usize) -> anyhow::Result<(Duration, Arc<Self>)> {
        let this = Arc::new(self);
        let started = Instant::now();
        let progress = (this.total >= 100_000).then(|| tokio::spawn(progress(this.clone(), started)));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let this = this.clone();
            tasks.spawn(async move { this.work().await });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        let elapsed = started.elapsed();
        if let Some(progress) = progress {
            progress.abort();
        }
        Ok((elapsed, this))
    }

    /// One task: takes the next draw until there are none left.
    async fn work(&self) -> anyhow::Result<()> {
        let client = ClientSeed::default();
        loop {
            let i = self.next.fetch_add(1, Relaxed);
            if i >= self.total {
                return Ok(());
            }
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ i.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ self.total);
            let player_id = (!self.anonymous).then(|| self.population.pick(rng.unit()));
            let campaign = if rng.below(4) == 0 { SECOND_CAMPAIGN } else { Game::AccountPrize.slug() };
            let at_ms = match self.dating {
                Dating::Spread { start_ms, end_ms } => {
                    start_ms + ((end_ms - start_ms) as u128 * u128::from(i) / u128::from(self.total)) as i64
                }
                Dating::Now => now_ms(),
            };
            let mut collided = Vec::new();
            loop {
                let nonce = self.nonce().await?;
                let (account_number, prize) = play(&self.keyer, &client, nonce)?;
                let draw = NewDraw {
                    id: draw_id(at_ms),
                    game: Game::AccountPrize,
                    campaign: campaign.to_owned(),
                    created_at_ms: at_ms,
                    seed_id: self.seed_id,
                    nonce,
                    client_seed: client.as_str().to_owned(),
                    result_json: serde_json::json!({ "account_number": account_number }).to_string(),
                    prize: prize_draw(prize, &account_prize::ladder(Impl::V1), None),
                    served_by: self.served_by.clone(),
                    unique_key: Some(account_number),
                    global_key: None,
                    idempotency: None,
                    collided_nonces: collided.clone(),
                    player_id,
                    session_check: None,
                };
                match self.store.insert_draw(draw).await? {
                    InsertOutcome::Inserted(award) => {
                        if award.prize.is_some_and(|p| p.amount_pence.0 > 0) {
                            self.prized.fetch_add(1, Relaxed);
                        }
                        break;
                    }
                    InsertOutcome::UniqueKeyTaken => {
                        self.collisions.fetch_add(1, Relaxed);
                        collided.push(nonce);
                    }
                    other => bail!("draw {i} was refused: {other:?}"),
                }
            }
            self.done.fetch_add(1, Relaxed);
        }
    }
}

impl Drawing {
    /// The next nonce of the shared lease, refilled when it runs out.
    async fn nonce(&self) -> anyhow::Result<u64> {
        let lease = || self.lease.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(nonce) = lease().next() {
                return Ok(nonce);
            }
            let _refilling = self.refill.lock().await;
            if lease().is_empty() {
                let block = self.store.reserve_nonces(self.seed_id, NONCE_BLOCK).await?;
                *lease() = block.context("the seed was rotated while seeding")?;
            }
        }
    }
}

/// Prints how far a long run has got, every ten seconds.
async fn progress(drawing: Arc<Drawing>, started: Instant) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    loop {
        tick.tick().await;
        let done = drawing.done.load(Relaxed);
        let secs = started.elapsed().as_secs_f64();
        println!("  … {done} draws in {secs:.0} s ({:.0}/s)", done as f64 / secs);
    }
}

/// Prints a run's figures.
fn report(what: &str, drawing: &Drawing, elapsed: Duration) {
    let n = drawing.done.load(Relaxed);
    let prized = drawing.prized.load(Relaxed);
    println!(
        "{what} {n} draws in {:.1} s: {:.0} draws/s; {prized} prizes ({:.1} %), each a 12-row leaderboard upsert; \
         {} account numbers drawn again after a collision",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        100.0 * prized as f64 / n.max(1) as f64,
        drawing.collisions.load(Relaxed)
    );
}

/// An account-prize draw, v1 letters, numbers and rules, as the three services would make it.
fn play(keyer: &SeedKeyer, client: &ClientSeed, nonce: u64) -> anyhow::Result<(String, Option<Prize>)> {
    let stream = |service| Stream::new(&keyer.key(client, nonce, service));
    let letters = account_prize::letters(Impl::V1, &mut stream(Service::Letters));
    let digits = account_prize::digits(Impl::V1, &mut stream(Service::Numbers));
    let (letters, digits) = (AccountLetters::parse(&letters)?, AccountDigits::parse(&digits)?);
    let outcome = account_prize::outcome(Impl::V1, &letters, &digits, &mut stream(Service::Rules));
    Ok((outcome.account_number, outcome.prize))
}

/// A time-ordered id for a draw made at `at_ms`, as the front end's `Uuid::now_v7` would be.
fn draw_id(at_ms: i64) -> String {
    let (secs, ms) = (at_ms.div_euclid(1000) as u64, at_ms.rem_euclid(1000) as u32);
    uuid::Uuid::new_v7(uuid::Timestamp::from_unix_time(secs, ms * 1_000_000, 0, 0)).to_string()
}

/// Players weighted by how much they play.
pub struct Population {
    /// Player ids, in weight order (heaviest first).
    ids: Vec<i64>,
    /// Cumulative weights, ending at 1.
    cumulative: Vec<f64>,
}

impl Population {
    /// Zipf-weighted players, the heaviest chosen at random (with `shuffle`) among `ids`.
    fn zipf(mut ids: Vec<i64>, shuffle: u64) -> Self {
        let mut rng = Rng(shuffle);
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let weights: Vec<f64> = (1..=ids.len()).map(|k| (k as f64).powf(-ZIPF_EXPONENT)).collect();
        let sum: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights.iter().map(|w| {
            acc += w / sum;
            acc
        });
        Self { cumulative: cumulative.collect(), ids }
    }

    /// The player whose share of the cumulative weight contains `u` in `[0, 1)`.
    fn pick(&self, u: f64) -> i64 {
        let i = self.cumulative.partition_point(|&c| c <= u);
        self.ids[i.min(self.ids.len() - 1)]
    }
}

/// SplitMix64: a small, fast, deterministic generator (the workspace has no `rand`).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (the bias is negligible for small `n`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
