-- Budget reservations: money set aside for paid AI calls in flight. A call reserves its
-- estimated cost before it is sent, and settles when it ends: its llm_calls row replaces
-- the reservation in one transaction. So concurrent workers cannot spend past a budget
-- together. A reservation left by a process that died expires.
CREATE TABLE budget_reservations (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    amount_usd  DOUBLE PRECISION NOT NULL CHECK (amount_usd >= 0),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX idx_budget_reservations_user ON budget_reservations(user_id, expires_at);
CREATE INDEX idx_budget_reservations_expiry ON budget_reservations(expires_at);

-- One row per budget scope ('global', 'user:<id>'). A reservation updates its scopes' rows
-- first, so concurrent reservations in one scope take turns (a row lock on PostgreSQL;
-- SQLite serialises writers anyway).
CREATE TABLE budget_locks (
    scope       TEXT PRIMARY KEY,
    touched_at  TEXT NOT NULL
);
