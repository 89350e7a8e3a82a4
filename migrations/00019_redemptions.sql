-- +goose Up
-- Rewards issued to customers: single-use coupon codes holding points.
CREATE TABLE redemptions (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id        BIGINT UNSIGNED NOT NULL,
    customer_pk     BIGINT UNSIGNED NOT NULL,
    reward_id       BIGINT UNSIGNED NOT NULL,
    kind            VARCHAR(32)     NOT NULL,
    code            VARCHAR(32)     NOT NULL,
    idempotency_key VARCHAR(150)    NOT NULL,
    points          BIGINT          NOT NULL,
    value_minor     BIGINT          NOT NULL DEFAULT 0,
    percent         INT             NOT NULL DEFAULT 0,
    product_id      BIGINT UNSIGNED NOT NULL DEFAULT 0,
    state           VARCHAR(16)     NOT NULL,
    order_id        BIGINT UNSIGNED NULL,
    issued_at       DATETIME(6)     NOT NULL,
    expires_at      DATETIME(6)     NOT NULL,
    updated_at      DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY redemptions_code (store_id, code),
    UNIQUE KEY redemptions_key (store_id, customer_pk, idempotency_key),
    KEY redemptions_customer (store_id, customer_pk, id),
    KEY redemptions_expiring (state, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE redemptions;
