-- Which worker holds a delivery's claim: it renews its own claims, and a send goes out only while
-- the claim is still its own.
ALTER TABLE delivery ADD COLUMN claimed_by uuid;

-- Every message a channel returned an id for (a Telegram message: '<chat id>:<message id>'),
-- recorded with the part it completed in one statement, so a reply can be traced to its task.
CREATE TABLE delivery_message (
    message_ref text        PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES delivery (id),
    part        int         NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX delivery_message_delivery ON delivery_message (delivery_id);
