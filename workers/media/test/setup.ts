import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is per test file: every file starts from freshly migrated databases.
await applyD1Migrations(env.DB, env.MEDIA_MIGRATIONS);
await applyD1Migrations(env.AUTH_DB, env.AUTH_MIGRATIONS);
await applyD1Migrations(env.USERS_DB, env.USERS_MIGRATIONS);
