-- Each body's first paragraph as plain text, worked out once when the body is written:
-- feeds and article heads show it, and parsing the body's HTML on every page-cache miss
-- cost more than the rest of the render. NULL on rows written before this column
-- existed (worked out when read); empty when the body has no paragraph text.
ALTER TABLE item_bodies ADD COLUMN summary TEXT;
