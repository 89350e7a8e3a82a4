-- +goose Up
-- The replay check for deletes moves to applied_deletes (00021): the accept
-- path keeps no extra column or index.
ALTER TABLE webhook_inbox DROP KEY inbox_delivery, DROP COLUMN body_hash;

-- +goose Down
ALTER TABLE webhook_inbox ADD COLUMN body_hash BINARY(32) NULL AFTER body, ADD KEY inbox_delivery (store_id, delivery_id);
