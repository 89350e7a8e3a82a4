-- +goose Up
-- Recurring referral rewards: a percent of each referred friend's order,
-- held per order like the order's own points (in their own table, so the
-- hot orders table is not altered).
ALTER TABLE programs
    ADD COLUMN referrer_percent INT NOT NULL DEFAULT 0,
    ADD COLUMN referrer_months  INT NOT NULL DEFAULT 0;

CREATE TABLE referral_commissions (
    store_id          BIGINT UNSIGNED NOT NULL,
    order_id          BIGINT UNSIGNED NOT NULL,
    referral_id       BIGINT UNSIGNED NOT NULL,
    referrer_pk       BIGINT UNSIGNED NOT NULL,
    percent           INT             NOT NULL,
    matures_at        DATETIME(6)     NOT NULL,
    points_pending    BIGINT          NOT NULL DEFAULT 0,
    points_available  BIGINT          NOT NULL DEFAULT 0,
    revision          INT             NOT NULL DEFAULT 0,
    updated_at        DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, order_id),
    KEY referral_commissions_referral (store_id, referral_id),
    KEY referral_commissions_maturing (points_pending, matures_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE referral_commissions;
ALTER TABLE programs DROP COLUMN referrer_percent, DROP COLUMN referrer_months;
