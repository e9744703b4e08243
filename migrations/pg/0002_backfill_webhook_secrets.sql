-- Webhooks made before signing got an empty secret from 0001 (its column default): give each one a
-- secret nobody has seen, as the SQLite migration 0002 does (rotate it to learn one). Without
-- pgcrypto: two gen_random_uuid() (built in since PostgreSQL 13, from the server's strong random
-- source, evaluated per row) make 64 hex digits, 244 of their bits random.
UPDATE "webhooks" SET "secret" = 'rg_whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') WHERE "secret" = '';
