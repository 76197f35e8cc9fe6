-- The language the newsroom speaks to an account: az, en, ru or tr. NULL until the
-- account chooses, when the newsroom follows the site's default edition.
ALTER TABLE users ADD COLUMN language TEXT;
