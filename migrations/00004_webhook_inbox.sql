-- +goose Up
-- Every accepted webhook body, stored before the 2xx and processed by workers.
CREATE TABLE webhook_inbox (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id        BIGINT UNSIGNED NOT NULL,
    topic           VARCHAR(100)    NOT NULL,
    source          VARCHAR(16)     NOT NULL DEFAULT 'webhook',
    webhook_id      BIGINT          NULL,
    delivery_id     VARCHAR(64)     NULL,
    received_at     DATETIME(6)     NOT NULL,
    body            MEDIUMBLOB      NOT NULL,
    state           VARCHAR(16)     NOT NULL DEFAULT 'pending',
    attempts        INT             NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6)     NOT NULL,
    last_error      VARCHAR(1000)   NULL,
    processed_at    DATETIME(6)     NULL,
    PRIMARY KEY (id),
    KEY inbox_claim (state, id),
    KEY inbox_store_state (store_id, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE webhook_inbox;
