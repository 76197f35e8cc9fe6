-- An edition added in the newsroom starts as a draft (0) that readers do not see,
-- until an admin launches it. Editions that exist already are public.
ALTER TABLE editions ADD COLUMN launched BIGINT NOT NULL DEFAULT 1;
