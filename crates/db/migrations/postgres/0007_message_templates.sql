-- Staff edits of the notification templates: one row per event whose built-in template was
-- replaced (deleting the row restores the built-in one).

CREATE TABLE message_templates (
    event TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
