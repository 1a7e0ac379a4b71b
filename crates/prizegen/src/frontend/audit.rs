//! The record anyone can check: sealing a revealed seed's draws under a Merkle root, and a
//! draw's inclusion proof in that tree.
//!
//! A rotation reveals the seed in one short transaction (`seed.revealed`). From then on no draw
//! can use it, so its draws are final; [`seal`] then reads them a page at a time — without
//! holding any lock, so draws under the new seed go on meanwhile — and records their number and
//! root (`seed.sealed`), once. A seal that did not happen (the process stopped between) is made
//! at the next start ([`seal_unsealed`]).
//!
//! A proof is built from the draws as stored now, and given with the *recorded* root: if
//! anything under the seed changed since, the proof does not lead to it, and whoever checks it
//! sees that.
//!
//! Proofs in constant memory, one page read each: the leaves are cut into chunks of
//! [`CHUNK`] by nonce. In an RFC 6962 tree every whole, aligned block of 2^k leaves is a node, so
//! each whole chunk is one, and the tree above the chunks is the RFC 6962 tree over the chunks'
//! roots (the last chunk may be partial). A proof is then the path inside the draw's own chunk —
//! its leaves read afresh — followed by the path among the chunk roots. The chunk roots of a
//! seed ([`Chunks`], 40 bytes per 1,024 draws) are kept per replica; sealing makes them, and a
//! replica that did not seal makes them on its first proof of that seed.

use crate::store::{AuditEntry, Store, StoreError, StoredDraw, draw_leaf_hash};
use prizegen_domain::merkle::{self, Hash};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Draws read per database call while sealing or indexing a seed.
const PAGE: u32 = 1024;
/// Leaves per chunk: a power of two.
pub const CHUNK: usize = 1024;
/// Seeds whose chunk roots a replica keeps.
const KEPT_SEEDS: usize = 8;
/// How long a proof waits for its seed's chunks to be made before answering "try again".
const INDEX_WAIT: Duration = Duration::from_secs(5);

/// A draw's place in its seed's tree.
#[derive(Debug)]
pub struct Proof {
    /// The draw's leaf hash, hex.
    pub leaf_hash: String,
    /// Its place among the seed's draws by nonce, from 0.
    pub leaf_index: u64,
    /// The draws in the tree as stored now.
    pub tree_size: u64,
    /// Sibling hashes from the leaf up (RFC 9162 §2.1.3), hex.
    pub path: Vec<String>,
    /// The `seed.sealed` entry with the recorded root and draw count.
    pub entry: AuditEntry,
}

/// Why there is no proof.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// No such draw.
    #[error("there is no draw {0:?}")]
    UnknownDraw(String),
    /// Its seed is still current.
    #[error("the draw's seed {0} is not revealed yet; its proof exists once the seed is rotated")]
    NotRevealed(String),
    /// Its seed was just revealed, and its root is being recorded.
    #[error("the draw's seed {0} was revealed moments ago and its draws are being sealed; ask again shortly")]
    NotSealedYet(String),
    /// Its seed was revealed before this installation kept an audit log.
    #[error("the draw's seed {0} was revealed before the audit log began, so no root was recorded")]
    NoRoot(String),
    /// A prize-pool claim made after its seed's reveal: recorded in its own entry instead.
    #[error(
        "the draw was claimed after its seed's reveal, so it is not in the seed's tree; audit entry {0} records its leaf"
    )]
    ClaimedAfterReveal(u64),
    /// The draw is under a sealed seed but not among the draws its seal recorded: it was added
    /// (or its nonce changed) after the seal.
    #[error("the draw is not among the draws the seal of its seed {0} recorded")]
    NotInSealedTree(String),
    /// This replica is still reading the seed's draws into chunks (a first proof of a seed with
    /// very many draws).
    #[error("the draws of seed {0} are being indexed for proofs; ask again in a few seconds")]
    Indexing(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A seed's leaves in chunks of [`CHUNK`], by nonce: where each chunk starts and its root.
#[derive(Debug, Default)]
pub struct Chunks {
    /// The nonce of each chunk's first draw.
    starts: Vec<u64>,
    /// Each chunk's root (the last may cover fewer than [`CHUNK`] leaves).
    roots: Vec<Hash>,
    /// The leaves.
    size: u64,
}

/// Builds [`Chunks`] from leaves arriving in nonce order.
#[derive(Default)]
struct ChunkBuilder {
    chunks: Chunks,
    open: Vec<Hash>,
}

impl ChunkBuilder {
    fn push(&mut self, nonce: u64, leaf: Hash) {
        if self.open.is_empty() {
            self.chunks.starts.push(nonce);
        }
        self.open.push(leaf);
        self.chunks.size += 1;
        if self.open.len() == CHUNK {
            self.chunks.roots.push(merkle::root(&self.open));
            self.open.clear();
        }
    }

    fn finish(mut self) -> Chunks {
        if !self.open.is_empty() {
            self.chunks.roots.push(merkle::root(&self.open));
        }
        self.chunks
    }
}

impl Chunks {
    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        merkle::root(&self.roots)
    }
}

/// Seeds by commitment with their chunks, the longest-kept first.
type KeptSeeds = Vec<(String, Arc<Chunks>)>;

/// The chunk roots of the last few revealed seeds asked about: their draws do not change.
#[derive(Clone, Default)]
pub struct Trees {
    seeds: Arc<Mutex<KeptSeeds>>,
    indexing: Arc<tokio::sync::Mutex<()>>,
    /// Seeds being sealed on request (see [`Trees::seal_in_background`]).
    sealing: Arc<Mutex<HashSet<String>>>,
}

impl Trees {
    fn cached(&self, seed_hash: &str) -> Option<Arc<Chunks>> {
        let seeds = self.seeds.lock().unwrap_or_else(|p| p.into_inner());
        seeds.iter().find(|(hash, _)| hash == seed_hash).map(|(_, chunks)| chunks.clone())
    }

    /// Seals a seed on a task of its own, unless a seal of it is running already.
    fn seal_in_background(&self, store: &Store, seed_hash: &str) {
        {
            let mut sealing = self.sealing.lock().unwrap_or_else(|p| p.into_inner());
            if !sealing.insert(seed_hash.to_owned()) {
                return;
            }
        }
        let (trees, store, seed) = (self.clone(), store.clone(), seed_hash.to_owned());
        tokio::spawn(async move {
            match seal(&store, &seed).await {
                Ok((chunks, _)) => trees.keep(&seed, chunks),
                Err(error) => {
                    tracing::error!(%seed, %error, "sealing a revealed seed failed; a later proof asks again")
                }
            }
            trees.sealing.lock().unwrap_or_else(|p| p.into_inner()).remove(&seed);
        });
    }

    /// Keeps a seed's chunks, dropping the longest-kept beyond [`KEPT_SEEDS`].
    pub fn keep(&self, seed_hash: &str, chunks: Arc<Chunks>) {
        let mut seeds = self.seeds.lock().unwrap_or_else(|p| p.into_inner());
        seeds.retain(|(hash, _)| hash != seed_hash);
        if seeds.len() >= KEPT_SEEDS {
            seeds.remove(0);
        }
        seeds.push((seed_hash.to_owned(), chunks));
    }
}

/// The draws of a seed claimed after its reveal (each in its own entry, about the seed), by id,
/// with their entry's seq: they are not among its leaves.
async fn late_claims(store: &Store, seed_hash: &str) -> Result<HashMap<String, u64>, StoreError> {
    let mut late = HashMap::new();
    for entry in store.audit_about("draw.claimed-after-reveal", seed_hash).await? {
        let details: serde_json::Value =
            serde_json::from_str(&entry.details).map_err(StoreError::unexpected)?;
        late.insert(details["draw_id"].as_str().unwrap_or_default().to_owned(), entry.seq);
    }
    Ok(late)
}

/// A seed's draws, but those claimed after its reveal, read a page at a time in nonce order
/// into chunks. The claims after the reveal are read before and after; if one landed between
/// (its draw may have been read), the reading starts again.
async fn read_chunks(store: &Store, seed_hash: &str) -> Result<Chunks, StoreError> {
    let mut late = late_claims(store, seed_hash).await?;
    loop {
        let mut chunks = ChunkBuilder::default();
        let mut after = None;
        loop {
            let page = store.draws_of_seed(seed_hash, after, PAGE).await?;
            after = page.last().map(|draw| draw.nonce);
            for draw in page.iter().filter(|draw| !late.contains_key(&draw.id)) {
                chunks.push(draw.nonce, draw_leaf_hash(draw));
            }
            if page.len() < PAGE as usize {
                break;
            }
        }
        let now = late_claims(store, seed_hash).await?;
        if now.len() == late.len() {
            return Ok(chunks.finish());
        }
        late = now;
    }
}

/// Seals a revealed seed: reads its draws in constant memory and records their number and
/// Merkle root, unless that was done already. The chunks it read (kept for proofs), and
/// whether this call recorded the seal.
pub async fn seal(store: &Store, seed_hash: &str) -> Result<(Arc<Chunks>, bool), StoreError> {
    let chunks = read_chunks(store, seed_hash).await?;
    let recorded = store.seal_seed(seed_hash, chunks.size, chunks.root()).await?;
    Ok((Arc::new(chunks), recorded))
}

/// Seals every revealed seed whose seal is missing (the process stopped between a reveal and
/// its seal); logs what it did.
pub async fn seal_unsealed(store: &Store) -> Result<(), StoreError> {
    let sealed: HashSet<String> =
        store.audit_of_kind("seed.sealed").await?.into_iter().map(|entry| entry.subject).collect();
    for revealed in store.audit_of_kind("seed.revealed").await? {
        if !sealed.contains(&revealed.subject) {
            // One seed failing does not keep the others unsealed.
            match seal(store, &revealed.subject).await {
                Ok((chunks, _)) => {
                    let root = hex::encode(chunks.root());
                    tracing::info!(seed = %revealed.subject, draws = chunks.size, %root, "sealed a revealed seed left unsealed");
                }
                Err(error) => {
                    tracing::error!(seed = %revealed.subject, %error, "sealing a revealed seed failed")
                }
            }
        }
    }
    Ok(())
}

/// The chunks of a seed: kept, or read now — on a task of their own, so that a seed with very
/// many draws is indexed once even if the asking request gives up after [`INDEX_WAIT`].
async fn chunks_of(store: &Store, trees: &Trees, seed_hash: &str) -> Result<Arc<Chunks>, ProofError> {
    if let Some(chunks) = trees.cached(seed_hash) {
        return Ok(chunks);
    }
    let (store, trees_kept, seed) = (store.clone(), trees.clone(), seed_hash.to_owned());
    let read = tokio::spawn(async move {
        let _one_at_a_time = trees_kept.indexing.clone().lock_owned().await;
        // Another request's task may have read it while this one waited.
        if let Some(chunks) = trees_kept.cached(&seed) {
            return Ok(chunks);
        }
        let chunks = Arc::new(read_chunks(&store, &seed).await?);
        trees_kept.keep(&seed, chunks.clone());
        Ok::<_, StoreError>(chunks)
    });
    match tokio::time::timeout(INDEX_WAIT, read).await {
        Ok(Ok(read)) => Ok(read?),
        Ok(Err(panicked)) => Err(StoreError::unexpected(panicked.to_string()).into()),
        Err(_) => Err(ProofError::Indexing(seed_hash.to_owned())),
    }
}

/// The inclusion proof of leaf `index` of chunk `chunk` (whose leaves are `leaves`) in the tree
/// whose chunks have the roots `roots`: the path inside the chunk, then among the chunks.
fn chunked_path(leaves: &[Hash], index: usize, roots: &[Hash], chunk: usize) -> Vec<Hash> {
    let mut path = merkle::inclusion_proof(leaves, index).unwrap_or_default();
    path.extend(merkle::inclusion_proof(roots, chunk).unwrap_or_default());
    path
}

/// The inclusion proof of draw `id`.
pub async fn proof(store: &Store, trees: &Trees, id: &str) -> Result<Proof, ProofError> {
    let draw: StoredDraw = store.draw(id).await?.ok_or_else(|| ProofError::UnknownDraw(id.to_owned()))?;
    if draw.server_seed.is_none() {
        return Err(ProofError::NotRevealed(draw.seed_hash));
    }
    let late = late_claims(store, &draw.seed_hash).await?;
    if let Some(seq) = late.get(&draw.id) {
        return Err(ProofError::ClaimedAfterReveal(*seq));
    }
    let entry = match store.audit_about("seed.sealed", &draw.seed_hash).await?.into_iter().next() {
        Some(entry) => entry,
        None if store.audit_about("seed.revealed", &draw.seed_hash).await?.is_empty() => {
            return Err(ProofError::NoRoot(draw.seed_hash));
        }
        None => {
            // Sealing follows a reveal by moments; if it failed, ask for it again (one at a time).
            trees.seal_in_background(store, &draw.seed_hash);
            return Err(ProofError::NotSealedYet(draw.seed_hash));
        }
    };
    let chunks = chunks_of(store, trees, &draw.seed_hash).await?;
    // The draw's chunk: the last that starts at or before its nonce. Its leaves are read afresh,
    // and the claims after the reveal again after them: one landing in between moved the chunk.
    let chunk = chunks.starts.partition_point(|start| *start <= draw.nonce).saturating_sub(1);
    let after = chunks.starts.get(chunk).filter(|_| chunk > 0).and_then(|start| start.checked_sub(1));
    let mut late = late;
    let page = loop {
        let limit = u32::try_from(CHUNK + late.len()).unwrap_or(u32::MAX);
        let page = store.draws_of_seed(&draw.seed_hash, after, limit).await?;
        let now = late_claims(store, &draw.seed_hash).await?;
        if now.len() == late.len() {
            break page;
        }
        late = now;
    };
    let members: Vec<&StoredDraw> = page.iter().filter(|d| !late.contains_key(&d.id)).take(CHUNK).collect();
    let Some(index) = members.iter().position(|d| d.id == draw.id) else {
        return Err(ProofError::NotInSealedTree(draw.seed_hash));
    };
    let leaves: Vec<Hash> = members.iter().map(|d| draw_leaf_hash(d)).collect();
    let path = chunked_path(&leaves, index, &chunks.roots, chunk);
    Ok(Proof {
        leaf_hash: hex::encode(leaves[index]),
        leaf_index: (chunk * CHUNK + index) as u64,
        tree_size: chunks.size,
        path: path.iter().map(hex::encode).collect(),
        entry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cutting the leaves into chunks gives the RFC 6962 root and, for every leaf, the same path
    /// as the whole tree: at sizes below, at and around multiples of the chunk, and large.
    #[test]
    fn chunked_proofs_are_the_whole_trees_proofs() {
        for n in [1usize, 2, 5, 1023, 1024, 1025, 2048, 2049, 3000, 5121] {
            let leaves: Vec<Hash> =
                (0..n).map(|i| merkle::leaf_hash(format!("draw {i}").as_bytes())).collect();
            let mut builder = ChunkBuilder::default();
            for (nonce, leaf) in leaves.iter().enumerate() {
                builder.push(nonce as u64 * 3, *leaf);
            }
            let chunks = builder.finish();
            assert_eq!(chunks.root(), merkle::root(&leaves), "{n} leaves");
            assert_eq!(
                (chunks.size, chunks.starts.get(1).copied()),
                (n as u64, (n > CHUNK).then_some(3 * CHUNK as u64))
            );
            for index in [0, 1, n / 2, n.saturating_sub(2), n - 1, 1023, 1024].into_iter().filter(|i| *i < n)
            {
                let chunk = index / CHUNK;
                let members = &leaves[chunk * CHUNK..((chunk + 1) * CHUNK).min(n)];
                let path = chunked_path(members, index % CHUNK, &chunks.roots, chunk);
                assert_eq!(
                    Some(path.clone()),
                    merkle::inclusion_proof(&leaves, index),
                    "leaf {index} of {n}"
                );
                assert!(merkle::verify_inclusion(
                    &leaves[index],
                    index as u64,
                    n as u64,
                    &path,
                    &chunks.root()
                ));
            }
        }
    }
}
