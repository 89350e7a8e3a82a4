-- +goose Up
-- Earning rules per product or category, time-boxed promotions, and the
-- rule sets frozen on orders at first payment (shared by content: an order
-- names its set by id). Rules and promotions are deactivated, never deleted.
CREATE TABLE earning_rules (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id   BIGINT UNSIGNED NOT NULL,
    applies_on VARCHAR(10)     NOT NULL,
    target_id  BIGINT UNSIGNED NOT NULL,
    action     VARCHAR(10)     NOT NULL,
    mult_num   BIGINT          NOT NULL DEFAULT 1,
    mult_den   BIGINT          NOT NULL DEFAULT 1,
    points     BIGINT          NOT NULL DEFAULT 0,
    active     TINYINT(1)      NOT NULL DEFAULT 1,
    created_at DATETIME(6)     NOT NULL,
    updated_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY earning_rules_store (store_id, active)
) ENGINE=InnoDB;

CREATE TABLE promotions (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id    BIGINT UNSIGNED NOT NULL,
    name        VARCHAR(200)    NOT NULL,
    starts_at   DATETIME(6)     NOT NULL,
    ends_at     DATETIME(6)     NOT NULL,
    mult_num    BIGINT          NOT NULL,
    mult_den    BIGINT          NOT NULL,
    category_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
    active      TINYINT(1)      NOT NULL DEFAULT 1,
    created_at  DATETIME(6)     NOT NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    KEY promotions_store (store_id, active, ends_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE rule_sets (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id   BIGINT UNSIGNED NOT NULL,
    hash       BINARY(32)      NOT NULL,
    body       MEDIUMTEXT      NOT NULL,
    created_at DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY rule_sets_hash (store_id, hash)
) ENGINE=InnoDB;

ALTER TABLE orders ADD COLUMN rule_set_id BIGINT UNSIGNED NULL, ADD COLUMN bonus_points BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders FORCE, ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE programs ADD COLUMN earn_min_subtotal_minor BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN first_order_bonus BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE programs DROP COLUMN earn_min_subtotal_minor, DROP COLUMN first_order_bonus;
ALTER TABLE orders DROP COLUMN rule_set_id, DROP COLUMN bonus_points;
DROP TABLE rule_sets;
DROP TABLE promotions;
DROP TABLE earning_rules;
