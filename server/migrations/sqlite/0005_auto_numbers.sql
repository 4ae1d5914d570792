-- The last number each auto-number counter gave (a prefix, or a prefix and a day): taken in
-- the transaction that stores the new record, so numbers are unique and a write that rolls
-- back gives its number back.
CREATE TABLE auto_numbers (
    counter TEXT PRIMARY KEY,
    last    BIGINT NOT NULL
);
