-- ChatOps (issue 18): the Slack user a staff member acts as in `/장터` commands; one staff member
-- per Slack user.
ALTER TABLE staff_users ADD COLUMN slack_user_id TEXT;
CREATE UNIQUE INDEX staff_users_slack_user_key ON staff_users (slack_user_id);
