-- +goose Up
-- The referred friend's welcome reward: a catalog reward for their first order.
ALTER TABLE programs ADD COLUMN referee_reward BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE programs DROP COLUMN referee_reward;
