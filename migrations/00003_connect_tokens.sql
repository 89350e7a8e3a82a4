-- +goose Up
-- One-time enrollment secrets behind connection tokens; only their hash is kept.
CREATE TABLE connect_tokens (
    store_id    BIGINT UNSIGNED NOT NULL,
    secret_hash BINARY(32)      NOT NULL,
    expires_at  DATETIME(6)     NOT NULL,
    used_at     DATETIME(6)     NULL,
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, secret_hash)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE connect_tokens;
