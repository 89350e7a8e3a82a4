-- +goose Up
-- A delivery repeated byte for byte under the same delivery id (a replay)
-- is recognised: WooCommerce's delivery ids repeat across different events,
-- but never with the same body.
ALTER TABLE webhook_inbox ADD COLUMN body_hash BINARY(32) NULL AFTER body, ADD KEY inbox_delivery (store_id, delivery_id);

-- +goose Down
ALTER TABLE webhook_inbox DROP KEY inbox_delivery, DROP COLUMN body_hash;
