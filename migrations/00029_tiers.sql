-- +goose Up
-- VIP tiers: each store's ordered tiers (deactivated, never deleted, so
-- history keeps naming them), the tier each customer holds, and every move
-- between tiers with its reason.
CREATE TABLE tiers (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id       BIGINT UNSIGNED NOT NULL,
    tier_rank      INT             NOT NULL,
    names          TEXT            NOT NULL,
    threshold_kind VARCHAR(10)     NOT NULL,
    threshold      BIGINT          NOT NULL,
    window_days    INT             NOT NULL DEFAULT 0,
    mult_num       BIGINT          NOT NULL DEFAULT 1,
    mult_den       BIGINT          NOT NULL DEFAULT 1,
    perks          TEXT            NOT NULL,
    active         TINYINT(1)      NOT NULL DEFAULT 1,
    created_at     DATETIME(6)     NOT NULL,
    updated_at     DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY tiers_rank (store_id, tier_rank)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per customer who was ever placed: customers without a row hold no
-- tier. next_check is when time alone may change the decision (a rolling
-- window dropping an order, a grace period ending); NULL when only orders can.
CREATE TABLE customer_tiers (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    tier_id     BIGINT UNSIGNED NULL,
    since       DATETIME(6)     NOT NULL,
    below_since DATETIME(6)     NULL,
    next_check  DATETIME(6)     NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, customer_pk),
    KEY customer_tiers_due (next_check)
) ENGINE=InnoDB;

CREATE TABLE tier_changes (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    from_tier   BIGINT UNSIGNED NULL,
    to_tier     BIGINT UNSIGNED NULL,
    reason      VARCHAR(20)     NOT NULL,
    detail      VARCHAR(255)    NOT NULL DEFAULT '',
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY tier_changes_customer (store_id, customer_pk, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The tier multiplier frozen on an order at first payment (NULL = 1), and
-- the store's downgrade grace period. orders is rebuilt in the canonical
-- row format afterwards (see 00022).
ALTER TABLE orders ADD COLUMN rule_mult_num BIGINT NULL, ADD COLUMN rule_mult_den BIGINT NULL;
ALTER TABLE orders FORCE, ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE programs ADD COLUMN tier_grace_days INT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE programs DROP COLUMN tier_grace_days;
ALTER TABLE orders DROP COLUMN rule_mult_num, DROP COLUMN rule_mult_den;
DROP TABLE tier_changes;
DROP TABLE customer_tiers;
DROP TABLE tiers;
