-- +goose Up
CREATE TABLE ledger_transactions (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id        BIGINT UNSIGNED NOT NULL,
    idempotency_key VARCHAR(191)    NOT NULL,
    input_hash      BINARY(32)      NOT NULL,
    kind            VARCHAR(32)     NOT NULL,
    customer_pk     BIGINT UNSIGNED NULL,
    order_id        BIGINT UNSIGNED NULL,
    reason          VARCHAR(500)    NOT NULL DEFAULT '',
    actor           VARCHAR(100)    NOT NULL DEFAULT '',
    created_at      DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ledger_tx_key (store_id, idempotency_key),
    KEY ledger_tx_customer (store_id, customer_pk, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE ledger_transactions;
