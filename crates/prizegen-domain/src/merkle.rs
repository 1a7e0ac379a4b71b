//! Merkle trees over a revealed seed's draws, and the proofs that one draw is in one.
//!
//! The tree is the one of Certificate Transparency (RFC 6962 §2.1, also RFC 9162 §2.1), so any
//! implementation of it, in any language, recomputes our roots:
//!
//! - a leaf's hash is `SHA-256(0x00 ‖ leaf bytes)`, an inner node's `SHA-256(0x01 ‖ left ‖ right)`
//!   (the prefixes keep a leaf from passing for a node);
//! - the root of `n > 1` leaves is the node over the root of the first `k` and the root of the
//!   rest, `k` being the largest power of two below `n`; one leaf's root is its leaf hash; no
//!   leaves' root is `SHA-256("")`;
//! - an inclusion proof of leaf `i` is the list of sibling hashes from the leaf up, and checking
//!   it rebuilds the root from the leaf with RFC 9162 §2.1.3.2's algorithm.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of one leaf.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two below `n` (`n` ≥ 2).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The root over these leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The root of a tree whose leaves arrive one at a time, in constant memory: a revealed seed's
/// root is computed while its draws stream past, without holding them. It keeps one hash per
/// perfect subtree so far (the binary digits of the count) and, at the end, joins them from the
/// right, which is what [`root`]'s split at the largest power of two amounts to.
#[derive(Clone, Debug, Default)]
pub struct RootBuilder {
    /// (leaves under it, hash) of each perfect subtree, largest first.
    stack: Vec<(u64, Hash)>,
    count: u64,
}

impl RootBuilder {
    /// A tree with no leaves yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next leaf, by its hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = (1u64, leaf);
        while let Some(&(size, left)) = self.stack.last() {
            if size != node.0 {
                break;
            }
            self.stack.pop();
            node = (size * 2, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.count += 1;
    }

    /// The leaves so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The root over the leaves so far.
    pub fn root(&self) -> Hash {
        let mut subtrees = self.stack.iter().rev().map(|&(_, hash)| hash);
        let Some(last) = subtrees.next() else { return Sha256::digest([]).into() };
        subtrees.fold(last, |right, left| node_hash(&left, &right))
    }
}

/// The inclusion proof of leaf `index` among `leaves`: the sibling hashes from the leaf up.
/// `None` when there is no such leaf.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    (index < leaves.len()).then(|| {
        let mut path = Vec::new();
        collect_path(leaves, index, &mut path);
        path
    })
}

/// RFC 9162's PATH(m, D[n]), pushed leaf-side first.
fn collect_path(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if index < k {
        collect_path(&leaves[..k], index, path);
        path.push(root(&leaves[k..]));
    } else {
        collect_path(&leaves[k..], index - k, path);
        path.push(root(&leaves[..k]));
    }
}

/// Whether `proof` shows that the leaf with hash `leaf` is leaf `index` of a tree of `size`
/// leaves whose root is `expected_root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], expected_root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *expected_root
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The leaves of RFC 6962's reference tests (certificate-transparency's `merkle_tree_test`).
    const LEAVES: [&str; 8] =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    /// Their roots over the first 1, 2, …, 8 leaves, from the same reference.
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn reference_leaves() -> Vec<Hash> {
        LEAVES.iter().map(|l| leaf_hash(&hex::decode(l).unwrap())).collect()
    }

    #[test]
    fn roots_match_the_rfc_6962_reference() {
        let leaves = reference_leaves();
        for (n, expected) in ROOTS.iter().enumerate() {
            assert_eq!(hex::encode(root(&leaves[..=n])), *expected, "root of {} leaves", n + 1);
        }
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "no leaves: SHA-256 of nothing"
        );
    }

    #[test]
    fn every_proof_of_the_reference_trees_verifies_and_a_wrong_one_does_not() {
        let leaves = reference_leaves();
        for size in 1..=leaves.len() {
            let tree = &leaves[..size];
            let r = root(tree);
            for index in 0..size {
                let proof = inclusion_proof(tree, index).unwrap();
                assert!(
                    verify_inclusion(&tree[index], index as u64, size as u64, &proof, &r),
                    "{index}/{size}"
                );
                let other = leaf_hash(b"not a leaf");
                assert!(!verify_inclusion(&other, index as u64, size as u64, &proof, &r));
                if size > 1 {
                    let elsewhere = (index + 1) % size;
                    assert!(!verify_inclusion(&tree[index], elsewhere as u64, size as u64, &proof, &r));
                }
            }
            assert!(inclusion_proof(tree, size).is_none());
        }
    }

    proptest! {
        #[test]
        fn the_streaming_root_is_the_root(n in 0usize..600) {
            let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(format!("draw {i}").as_bytes())).collect();
            let mut builder = RootBuilder::new();
            for leaf in &leaves {
                builder.push(*leaf);
            }
            prop_assert_eq!(builder.count(), n as u64);
            prop_assert_eq!(builder.root(), root(&leaves));
        }
    }

    proptest! {
        #[test]
        fn proofs_verify_only_for_their_own_leaf_place_and_root(n in 1usize..300, pick in any::<u16>(), flip in any::<u8>()) {
            let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(format!("draw {i}").as_bytes())).collect();
            let r = root(&leaves);
            let index = usize::from(pick) % n;
            let proof = inclusion_proof(&leaves, index).unwrap();
            prop_assert!(verify_inclusion(&leaves[index], index as u64, n as u64, &proof, &r));
            // One changed bit anywhere in the proof or the root, and it fails.
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let at = usize::from(flip) % bad.len();
                bad[at][usize::from(flip) % 32] ^= 1;
                prop_assert!(!verify_inclusion(&leaves[index], index as u64, n as u64, &bad, &r));
            }
            let mut wrong_root = r;
            wrong_root[0] ^= 0x80;
            prop_assert!(!verify_inclusion(&leaves[index], index as u64, n as u64, &proof, &wrong_root));
        }
    }
}
