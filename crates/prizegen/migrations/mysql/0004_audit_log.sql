-- prizegen schema, version 4 (MySQL/MariaDB): the audit log, a hash chain that is only ever
-- appended to. The same rules as the SQLite schema (see it for what each table is), as named
-- constraints; binary collation, as in version 1.
CREATE TABLE audit_log (
    seq       BIGINT       NOT NULL PRIMARY KEY CHECK (seq >= 1),
    at        BIGINT       NOT NULL,
    kind      VARCHAR(40)  NOT NULL,
    subject   VARCHAR(100) NOT NULL,
    details   MEDIUMTEXT   NOT NULL,
    prev_hash CHAR(64)     NOT NULL CHECK (CHAR_LENGTH(prev_hash) = 64),
    hash      CHAR(64)     NOT NULL CHECK (CHAR_LENGTH(hash) = 64),
    CONSTRAINT audit_log_prev_hash UNIQUE (prev_hash),
    CONSTRAINT audit_log_hash UNIQUE (hash),
    INDEX audit_by_subject (kind, subject)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE audit_head (
    id   INT      NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  BIGINT   NOT NULL CHECK (seq >= 0),
    hash CHAR(64) NOT NULL CHECK (CHAR_LENGTH(hash) = 64)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
