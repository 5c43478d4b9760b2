import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorOf, request, unique } from "../../../lib/testing/http";
import { worker } from "./worker";

// Its own file: it breaks the users database, and storage is per test file.
describe("register when the users service fails", () => {
  it("answers 503 and leaves no account behind, so the email can register later", async () => {
    await env.USERS_DB.exec("DROP TABLE profiles");
    const email = `${unique("f")}@example.com`;
    const body = { email, password: "correct horse", handle: unique("f").toLowerCase() };

    const response = await worker.default.fetch(request("POST", "/v1/auth/register", { body }));

    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("unavailable");
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE email_normalized = ?")
      .bind(email)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM sessions").first<{ n: number }>();
    expect(sessions?.n).toBe(0);
  });
});
