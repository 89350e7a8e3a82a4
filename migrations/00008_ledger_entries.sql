-- +goose Up
-- Append-only legs. System accounts (issued, redeemed, expired, adjusted)
-- have no balance row: they are sums of these entries, so no store-wide hot row.
CREATE TABLE ledger_entries (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id       BIGINT UNSIGNED NOT NULL,
    transaction_id BIGINT UNSIGNED NOT NULL,
    account        VARCHAR(16)     NOT NULL,
    customer_pk    BIGINT UNSIGNED NULL,
    amount         BIGINT          NOT NULL,
    PRIMARY KEY (id),
    KEY ledger_entries_tx (store_id, transaction_id),
    KEY ledger_entries_customer (store_id, customer_pk, account)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE ledger_entries;
