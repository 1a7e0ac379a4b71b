//! The record anyone can check: a draw's inclusion proof in its revealed seed's Merkle tree.
//!
//! At each reveal the audit log records the number of draws under the seed and the root over
//! their leaves (`store::draw_leaf`, by nonce). A proof is built from the draws as stored now,
//! and given with the *recorded* root: if anything under the seed changed since, the proof does
//! not lead to it, and whoever checks it sees that.

use crate::store::{AuditEntry, Store, StoreError, StoredDraw, draw_leaf_hash};
use prizegen_domain::merkle::{self, Hash};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Draws read per database call while building a tree.
const PAGE: u32 = 1000;

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
    /// The `seed.revealed` entry with the recorded root and draw count.
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
    /// Its seed was revealed before this installation kept an audit log.
    #[error("the draw's seed {0} was revealed before the audit log began, so no root was recorded")]
    NoRoot(String),
    /// A prize-pool claim made after its seed's reveal: recorded in its own entry instead.
    #[error(
        "the draw was claimed after its seed's reveal, so it is not in the seed's tree; audit entry {0} records its leaf"
    )]
    ClaimedAfterReveal(u64),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The leaf hashes of the most recently asked-for revealed seed: a revealed seed's draws do not
/// change, so proofs of draws under the same seed share one read of it.
#[derive(Default)]
pub struct Trees {
    last: Mutex<Option<(String, Arc<Vec<Hash>>)>>,
}

impl Trees {
    fn cached(&self, seed_hash: &str) -> Option<Arc<Vec<Hash>>> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        last.as_ref().filter(|(hash, _)| hash == seed_hash).map(|(_, leaves)| leaves.clone())
    }

    fn keep(&self, seed_hash: &str, leaves: Arc<Vec<Hash>>) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((seed_hash.to_owned(), leaves));
    }
}

/// The leaf hashes of every draw under a seed, by nonce, but those claimed after its reveal.
async fn seed_leaves(
    store: &Store,
    seed_hash: &str,
    late: &HashSet<String>,
) -> Result<Vec<Hash>, StoreError> {
    let mut leaves = Vec::new();
    let mut after = None;
    loop {
        let page = store.draws_of_seed(seed_hash, after, PAGE).await?;
        leaves.extend(page.iter().filter(|draw| !late.contains(&draw.id)).map(draw_leaf_hash));
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.nonce),
            _ => return Ok(leaves),
        }
    }
}

/// The inclusion proof of draw `id`.
pub async fn proof(store: &Store, trees: &Trees, id: &str) -> Result<Proof, ProofError> {
    let draw: StoredDraw = store.draw(id).await?.ok_or_else(|| ProofError::UnknownDraw(id.to_owned()))?;
    if draw.server_seed.is_none() {
        return Err(ProofError::NotRevealed(draw.seed_hash));
    }
    // Claims made after the reveal: each in its own entry, about the seed, not in its tree.
    let mut late = HashSet::new();
    for entry in store.audit_about("draw.claimed-after-reveal", &draw.seed_hash).await? {
        let details: serde_json::Value =
            serde_json::from_str(&entry.details).map_err(StoreError::unexpected)?;
        let id = details["draw_id"].as_str().unwrap_or_default().to_owned();
        if id == draw.id {
            return Err(ProofError::ClaimedAfterReveal(entry.seq));
        }
        late.insert(id);
    }
    let entry = store.audit_about("seed.revealed", &draw.seed_hash).await?.into_iter().next();
    let entry = entry.ok_or_else(|| ProofError::NoRoot(draw.seed_hash.clone()))?;
    let leaf = draw_leaf_hash(&draw);
    // Its place among the leaves, which are in nonce order, one per draw. A draw changed since
    // the cached read is not among the cached leaves: then they are read again.
    let place = |leaves: &[Hash]| leaves.iter().position(|l| *l == leaf);
    let mut leaves = trees.cached(&draw.seed_hash);
    let mut index = leaves.as_deref().and_then(|l| place(l));
    if index.is_none() {
        let fresh = Arc::new(seed_leaves(store, &draw.seed_hash, &late).await?);
        trees.keep(&draw.seed_hash, fresh.clone());
        index = place(&fresh);
        leaves = Some(fresh);
    }
    let (Some(leaves), Some(index)) = (leaves, index) else {
        return Err(StoreError::unexpected("a revealed draw's leaf is not among its seed's leaves").into());
    };
    let path = merkle::inclusion_proof(&leaves, index).unwrap_or_default();
    Ok(Proof {
        leaf_hash: hex::encode(leaf),
        leaf_index: index as u64,
        tree_size: leaves.len() as u64,
        path: path.iter().map(hex::encode).collect(),
        entry,
    })
}
