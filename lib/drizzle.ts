import { drizzle } from "drizzle-orm/d1";

/**
 * A service's drizzle client for a D1 binding, made once per binding rather than per request:
 * `drizzle(d1, { schema })` walks the whole schema to build its relational config, which cost the
 * users and posts isolates 5-9% of their CPU in bench/social's mix when every call made its own
 * (docs/decisions.md, entry 12). The runtime keeps one env, and so one binding object, for an
 * isolate's life; a client holds nothing of a request's, only the binding and the schema.
 */
export function drizzleClients<TSchema extends Record<string, unknown>>(schema: TSchema) {
  const make = (d1: D1Database) => drizzle(d1, { schema });
  const clients = new WeakMap<D1Database, ReturnType<typeof make>>();
  return (d1: D1Database): ReturnType<typeof make> => {
    let client = clients.get(d1);
    if (!client) {
      client = make(d1);
      clients.set(d1, client);
    }
    return client;
  };
}
