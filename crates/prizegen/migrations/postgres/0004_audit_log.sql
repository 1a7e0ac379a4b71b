-- prizegen schema, version 4 (PostgreSQL): the audit log, a hash chain that is only ever
-- appended to. The same rules as the SQLite schema (see it for what each table is).
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
    at        BIGINT NOT NULL,
    kind      TEXT   NOT NULL,
    subject   TEXT   NOT NULL,
    details   TEXT   NOT NULL,
    prev_hash TEXT   NOT NULL UNIQUE CHECK (length(prev_hash) = 64),
    hash      TEXT   NOT NULL UNIQUE CHECK (length(hash) = 64)
);

CREATE INDEX audit_by_subject ON audit_log (kind, subject);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL CHECK (seq >= 0),
    hash TEXT    NOT NULL CHECK (length(hash) = 64)
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
