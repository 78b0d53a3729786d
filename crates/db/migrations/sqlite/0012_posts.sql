-- Notices (공지사항) and events (이벤트, with a period and a banner image) edited in the back office.

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('notice', 'event')),
    title TEXT NOT NULL,
    body_html TEXT NOT NULL DEFAULT '',
    banner_hash TEXT,
    starts_at TEXT,
    ends_at TEXT,
    is_pinned INTEGER NOT NULL DEFAULT 0,
    is_published INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX posts_kind_idx ON posts (kind, is_published, id);
