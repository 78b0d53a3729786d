-- Grade history: every change of a member's grade, by the monthly evaluation or by staff.

CREATE TABLE grade_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    from_grade_id BIGINT NOT NULL REFERENCES grades (id) ON DELETE RESTRICT,
    to_grade_id BIGINT NOT NULL REFERENCES grades (id) ON DELETE RESTRICT,
    source TEXT NOT NULL,
    changed_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX grade_changes_member_idx ON grade_changes (member_id, id);
