/** Sends the bad-input sweep's cases through the gateway and says what is wrong with each answer. */
import type { TestAccount } from "../../../../lib/testing/accounts";
import { errorOf, uniqueIp } from "../../../../lib/testing/http";
import { call } from "../worker";
import type { Case } from "./world";

export const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Writes per sweeper, under the gateway's 120 a minute per user. */
export const WRITES_PER_SWEEPER = 100;
const CONCURRENCY = 8;

const keyOf = (c: Case) =>
  JSON.stringify([
    c.method,
    c.path,
    c.headers,
    typeof c.caller === "string" ? c.caller : c.caller.authorization,
    c.body instanceof Uint8Array ? [...c.body.slice(0, 64), c.body.length] : c.body,
  ]);

function headersFor(c: Case, owner: TestAccount, sweeper: () => TestAccount): Headers {
  const headers = new Headers(c.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", uniqueIp());
  if (c.caller === "owner") headers.set("authorization", `Bearer ${owner.accessToken}`);
  else if (c.caller === "sweeper") headers.set("authorization", `Bearer ${sweeper().accessToken}`);
  else if (typeof c.caller === "object") headers.set("authorization", c.caller.authorization);
  return headers;
}

/** What is wrong with the answer to one case, or null. */
async function judge(c: Case, response: Response, unavailable: ReadonlySet<string>): Promise<string | null> {
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000, "bad-input sweep");
  }
  const status = response.status;
  const text = status === 101 ? "" : await response.text();
  const where = `${c.op} with ${c.name}: ${status}`;
  if (status === 503 && unavailable.has(c.op) && (await errorCode(text)) === "unavailable") return null;
  if (status >= 500) return `${where} ${text.slice(0, 200)}`;
  if (status === 429) return `${where}: rate limited (the sweep needs more sweepers)`;
  if (c.expect === "refused" && status < 400) return `${where}: accepted, although the input is not valid`;
  if (c.expect === "unauthorized" && status !== 401) return `${where}: expected 401`;
  if (status >= 400) {
    try {
      await errorOf(new Response(text));
    } catch (error) {
      return `${where}: ${String(error)}`;
    }
  }
  return null;
}

async function errorCode(text: string): Promise<string | null> {
  try {
    return (await errorOf(new Response(text))).code;
  } catch {
    return null;
  }
}

/**
 * Sends the cases, a few at a time (duplicates once); `inOrder` sends each once the last is
 * answered, repeats included. Returns every problem found.
 */
export async function sweep(
  cases: Case[],
  {
    owner,
    sweepers,
    unavailable,
  }: { owner: TestAccount; sweepers: TestAccount[]; unavailable: ReadonlySet<string> },
  { inOrder = false } = {},
): Promise<string[]> {
  const seen = new Set<string>();
  const distinct = inOrder ? cases : cases.filter((c) => !seen.has(keyOf(c)) && seen.add(keyOf(c)));
  const concurrency = inOrder ? 1 : CONCURRENCY;
  let writes = 0;
  const sweeper = () => {
    const account = sweepers[Math.floor(writes / WRITES_PER_SWEEPER) % sweepers.length];
    if (!account) throw new Error("no sweepers");
    return account;
  };
  const problems: string[] = [];
  for (let i = 0; i < distinct.length; i += concurrency) {
    const group = distinct.slice(i, i + concurrency);
    const answers = await Promise.all(
      group.map(async (c) => {
        const headers = headersFor(c, owner, sweeper);
        if (c.caller === "sweeper" && WRITES.has(c.method)) writes += 1;
        const response = await call(
          new Request(`https://plaza.test${c.path}`, { method: c.method, headers, body: c.body ?? null }),
        );
        return judge(c, response, unavailable);
      }),
    );
    problems.push(...answers.filter((problem): problem is string => problem !== null));
  }
  return problems;
}
