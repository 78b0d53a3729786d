-- AlimTalk approved templates (issue 17): a message sent as an AlimTalk carries the template code
-- and the variables it was filled with (JSON object `#{변수}` → value) that the provider takes.
ALTER TABLE messages ADD COLUMN template_code TEXT;
ALTER TABLE messages ADD COLUMN template_variables TEXT;
