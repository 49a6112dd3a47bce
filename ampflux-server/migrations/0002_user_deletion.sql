-- Deleted users: the row stays (projects, versions and simulations name their author), the
-- account cannot log in or use a token, and its email is free for a new account.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
