-- Each item's author and tag ids, in position order and comma-separated, beside the
-- item_authors and item_tags rows they repeat. The read model's start reads one row
-- per item instead of one per item, author link and tag link (a million items had
-- 3.3 million rows). The store's write path sets both in the transaction that
-- writes the link rows, from the same list, so the two never disagree; the link
-- tables keep the foreign keys and the uniqueness.

ALTER TABLE items ADD COLUMN author_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN tag_ids TEXT NOT NULL DEFAULT '';

UPDATE items SET
    author_ids = coalesce(
        (SELECT group_concat(author_id, ',' ORDER BY position)
         FROM item_authors WHERE item_id = items.id), ''),
    tag_ids = coalesce(
        (SELECT group_concat(tag_id, ',' ORDER BY position)
         FROM item_tags WHERE item_id = items.id), '');
