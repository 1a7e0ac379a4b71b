-- prizegen schema, version 4: the audit log, a hash chain that is only ever appended to.
--
-- Each entry is appended in the same transaction as the action it records (a seed committed or
-- revealed, a campaign created, changed or deleted, an operator signed in) and its hash covers
-- the hash before it: hash = SHA-256(prev_hash ‖ canonical entry) (see prizegen_domain::audit).
-- No code updates or deletes a row here.
--
-- One chain, whatever number of replicas append to it: `audit_head` is a single row holding the
-- last entry's seq and hash, and every append locks it (FOR UPDATE on the servers; SQLite has
-- one writer), appends seq + 1 after its hash, and moves it. Should anything get past that, the
-- UNIQUE prev_hash refuses a second entry after the same one: the chain cannot fork.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    details   TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL UNIQUE CHECK (length(prev_hash) = 64),
    hash      TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64)
);

-- A seed's reveal (its draw count and Merkle root) by the seed's commitment, for proofs.
CREATE INDEX audit_by_subject ON audit_log (kind, subject);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL CHECK (seq >= 0),
    hash TEXT    NOT NULL CHECK (length(hash) = 64)
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
