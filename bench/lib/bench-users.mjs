// Users for the benchmarks, made fast: profiles through the users Worker's createProfile RPC (by an
// inline setup Worker the bench runs beside it) and access tokens signed in Node with the auth
// Worker's key (tokens.mjs). No account is made in auth: services only check the token.
import { inlineWorker } from "./platform.mjs";
import { accessTokenSigner, newId } from "./tokens.mjs";

/** POST a JSON array of { id, handle, displayName }: creates those profiles via UsersService RPC. */
const SETUP = `export default {
  async fetch(request, env) {
    const profiles = await request.json();
    const results = await Promise.all(profiles.map((profile) => env.USERS.createProfile(profile)));
    const failed = results.filter((result) => !result.ok);
    return Response.json({ created: results.length - failed.length, failed }, { status: failed.length ? 500 : 200 });
  },
};`;

/**
 * The inline setup Worker that createUsers() posts to.
 * @param {string} name  its name
 * @param {string} usersWorker  the users Worker's name in the same workerd
 */
export function profileSetupWorker(name, usersWorker) {
  return inlineWorker(name, SETUP, {
    serviceBindings: { USERS: { name: usersWorker, entrypoint: "UsersService" } },
  });
}

/**
 * `count` users (handles bench_0, bench_1, ...) with profiles, made in batches of 100 through the setup
 * Worker, and access tokens.
 * @param {string} setupUrl  the setup Worker's URL
 * @param {object} signingKey  the auth Worker's private JWK (scripts/signing-key.mjs)
 * @returns {Promise<{ userId: string, handle: string, token: string }[]>}
 */
export async function createUsers(setupUrl, signingKey, count) {
  const sign = accessTokenSigner(signingKey);
  const users = Array.from({ length: count }, (_, index) => {
    const userId = newId("usr");
    return { userId, handle: `bench_${index}`, token: sign({ userId, sessionId: newId("ses") }) };
  });
  for (let start = 0; start < count; start += 100) {
    const batch = users.slice(start, start + 100).map(({ userId, handle }) => ({
      id: userId,
      handle,
      displayName: `Bench ${handle}`,
    }));
    const response = await fetch(setupUrl, { method: "POST", body: JSON.stringify(batch) });
    const body = await response.text();
    if (!response.ok) throw new Error(`creating profiles: ${response.status} ${body.slice(0, 300)}`);
  }
  return users;
}
