-- What search engines and social cards show for an item when it should differ from
-- the headline and standfirst. Kept beside the body: only the article page reads them.
ALTER TABLE item_bodies ADD COLUMN seo_title TEXT;
ALTER TABLE item_bodies ADD COLUMN seo_description TEXT;
