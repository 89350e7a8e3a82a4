-- +goose Up
-- Redemption bounds (0 = no bound) and whether a paid order refunded in
-- full or cancelled gives its spent points back.
ALTER TABLE programs ADD COLUMN redeem_min_points BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN redeem_max_points BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN redeem_max_share_percent INT NOT NULL DEFAULT 0,
    ADD COLUMN redeem_return_on_refund TINYINT(1) NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE programs DROP COLUMN redeem_min_points, DROP COLUMN redeem_max_points,
    DROP COLUMN redeem_max_share_percent, DROP COLUMN redeem_return_on_refund;
