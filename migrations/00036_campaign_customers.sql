-- +goose Up
-- The customers of a campaign aimed at a report segment (RFM or churn
-- state), listed when it starts: segments move as customers order, the
-- campaign's audience does not.
CREATE TABLE campaign_customers (
    campaign_id BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (campaign_id, customer_pk)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE campaign_customers;
