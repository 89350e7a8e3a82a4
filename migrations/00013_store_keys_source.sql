-- +goose Up
-- Who registered a key: 'operator' (vafa store add-key, store create) or
-- 'plugin' (connect, rotation). A new connect revokes the plugin's older keys.
ALTER TABLE store_keys ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'operator' AFTER public_key;

-- +goose Down
ALTER TABLE store_keys DROP COLUMN source;
