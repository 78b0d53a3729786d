-- 본인인증 bound to the browser that started it (a keyed hash of a secret only its session
-- holds: a guest's attempt cannot be completed or used from another browser) with what the
-- provider needs kept to read its answer, and products
-- only verified adults may see and buy (청소년보호법, 19세 이상).
ALTER TABLE identity_verifications ADD COLUMN session_hash TEXT;
-- What a provider needs kept to read its answer (NICE's key material), sealed.
ALTER TABLE identity_verifications ADD COLUMN provider_state TEXT;
ALTER TABLE products ADD COLUMN adult_only BOOLEAN NOT NULL DEFAULT FALSE;
