import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is per test file: every file starts from freshly migrated databases.
await applyD1Migrations(env.AUTH_DB, env.AUTH_MIGRATIONS);
await applyD1Migrations(env.USERS_DB, env.USERS_MIGRATIONS);
await applyD1Migrations(env.SESSIONS_DB, env.SESSIONS_MIGRATIONS);
await applyD1Migrations(env.POSTS_DB, env.POSTS_MIGRATIONS);
await applyD1Migrations(env.MEDIA_DB, env.MEDIA_MIGRATIONS);
