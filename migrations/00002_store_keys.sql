-- +goose Up
-- Public keys only: the private keys stay with the plugin, so a leaked
-- database cannot mint tokens.
CREATE TABLE store_keys (
    store_id   BIGINT UNSIGNED NOT NULL,
    kid        VARCHAR(64)     NOT NULL,
    public_key VARBINARY(32)   NOT NULL,
    created_at DATETIME(6)     NOT NULL,
    revoked_at DATETIME(6)     NULL,
    PRIMARY KEY (store_id, kid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE store_keys;
