-- Importers, the demo loader and the scheduler write as named parts of the system,
-- which have no account: revisions and audit entries record that name instead.
ALTER TABLE revisions ADD COLUMN system_actor TEXT;
ALTER TABLE audit_log ADD COLUMN system_actor TEXT;
