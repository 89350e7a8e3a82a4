-- +goose Up
-- Every order.deleted delivery applied, by delivery id and body hash: the
-- same delivery sent again (a replay) is recognised with one key lookup.
CREATE TABLE applied_deletes (
    store_id    BIGINT UNSIGNED NOT NULL,
    delivery_id VARCHAR(64)     NOT NULL,
    body_hash   BINARY(32)      NOT NULL,
    inbox_id    BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (store_id, delivery_id, body_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE applied_deletes;
