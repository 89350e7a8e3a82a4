-- +goose Up
-- One row per customer: identity plus the materialized balances of the
-- customer's pending and available accounts (the only row a posting locks).
CREATE TABLE customers (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id       BIGINT UNSIGNED NOT NULL,
    wc_customer_id BIGINT UNSIGNED NULL,
    guest_email    VARCHAR(254)    NULL,
    email          VARCHAR(254)    NULL,
    merged_into    BIGINT UNSIGNED NULL,
    available      BIGINT          NOT NULL DEFAULT 0,
    pending        BIGINT          NOT NULL DEFAULT 0,
    lifetime       BIGINT          NOT NULL DEFAULT 0,
    created_at     DATETIME(6)     NOT NULL,
    updated_at     DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY customers_wc (store_id, wc_customer_id),
    UNIQUE KEY customers_guest (store_id, guest_email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE customers;
