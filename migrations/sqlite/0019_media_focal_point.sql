-- Where the subject of an image is, in thousandths of its width and height from the
-- top left corner: crops to a fixed shape keep that point in view. The centre until
-- an editor says otherwise.
ALTER TABLE media ADD COLUMN focal_x INTEGER NOT NULL DEFAULT 500 CHECK (focal_x BETWEEN 0 AND 1000);
ALTER TABLE media ADD COLUMN focal_y INTEGER NOT NULL DEFAULT 500 CHECK (focal_y BETWEEN 0 AND 1000);
