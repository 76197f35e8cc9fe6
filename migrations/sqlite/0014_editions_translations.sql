-- Editions from the site config: each with its language tag (which may be more than
-- its code, `az-Latn`) and, where it differs from the site's, its time zone.
-- Translations: an item names the first item of its group of translations; the
-- group's members are that item and every item naming it.
ALTER TABLE editions ADD COLUMN language TEXT;
ALTER TABLE editions ADD COLUMN time_zone TEXT;
ALTER TABLE items ADD COLUMN translation_of INTEGER REFERENCES items (id);
CREATE INDEX items_translation_of ON items (translation_of) WHERE translation_of IS NOT NULL;
