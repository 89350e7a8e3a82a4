-- +goose Up
-- A store's rewards catalog. Rewards are deactivated, never deleted.
CREATE TABLE rewards (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id           BIGINT UNSIGNED NOT NULL,
    kind               VARCHAR(32)     NOT NULL,
    names              TEXT            NOT NULL,
    descriptions       TEXT            NOT NULL,
    points_cost        BIGINT          NOT NULL DEFAULT 0,
    value_minor        BIGINT          NOT NULL DEFAULT 0,
    percent            INT             NOT NULL DEFAULT 0,
    product_id         BIGINT UNSIGNED NOT NULL DEFAULT 0,
    min_subtotal_minor BIGINT          NOT NULL DEFAULT 0,
    active             TINYINT(1)      NOT NULL DEFAULT 1,
    valid_days         INT             NOT NULL DEFAULT 30,
    created_at         DATETIME(6)     NOT NULL,
    updated_at         DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY rewards_store (store_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE rewards;
