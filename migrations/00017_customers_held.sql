-- +goose Up
-- Points of issued rewards not yet used, released or expired.
ALTER TABLE customers ADD COLUMN held BIGINT NOT NULL DEFAULT 0 AFTER pending;

-- +goose Down
ALTER TABLE customers DROP COLUMN held;
