import { unique, uniqueIp } from "./http";

export interface TestAccount {
  email: string;
  password: string;
  handle: string;
  user: { id: string; handle: string; displayName: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Anything that takes a Request: a Worker's exports, a service binding. */
export interface Fetches {
  fetch(request: Request): Promise<Response>;
}

/** Registers a new account through the public API (`/v1/auth/register`) of `target`. */
export async function registerAccount(
  target: Fetches,
  overrides: Partial<{ email: string; password: string; handle: string; displayName: string }> = {},
): Promise<TestAccount> {
  const handle = overrides.handle ?? unique("u").toLowerCase().slice(0, 30);
  const email = overrides.email ?? `${handle}@example.com`;
  const password = overrides.password ?? "correct horse battery";
  const response = await target.fetch(
    new Request("https://plaza.test/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": uniqueIp() },
      body: JSON.stringify({
        email,
        password,
        handle,
        ...(overrides.displayName && { displayName: overrides.displayName }),
      }),
    }),
  );
  if (response.status !== 201)
    throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as Omit<TestAccount, "email" | "password" | "handle">;
  return { email, password, handle, ...body };
}
