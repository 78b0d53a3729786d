-- Notices (공지사항) and events (이벤트, with a period and a banner image) edited in the back office.

CREATE TABLE posts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('notice', 'event')),
    title TEXT NOT NULL,
    body_html TEXT NOT NULL DEFAULT '',
    banner_hash TEXT,
    starts_at TIMESTAMPTZ,
    ends_at TIMESTAMPTZ,
    is_pinned BOOLEAN NOT NULL DEFAULT FALSE,
    is_published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX posts_kind_idx ON posts (kind, is_published, id);
