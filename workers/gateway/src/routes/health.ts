import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../../../lib/app";
import { log } from "../../../../lib/logging";
import { jsonResponse } from "../../../../lib/openapi";
import { type ServiceName, servicesOf } from "../services";

const PING_TIMEOUT_MS = 2_000;

const Health = z
  .object({
    status: z.enum(["ok", "degraded"]),
    services: z.record(z.string(), z.enum(["ok", "unavailable"])),
  })
  .openapi("Health");

async function pingWithin(ping: () => Promise<"ok">, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

export const healthRoutes = createRouter<GatewayEnv>().openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["platform"],
    summary: "Whether every service answers an RPC ping",
    responses: {
      200: jsonResponse(Health, "Every service is up"),
      503: jsonResponse(Health, "At least one service is down; it is named"),
    },
  }),
  async (c) => {
    const entries = Object.entries(servicesOf(c.env)) as [ServiceName, { ping(): Promise<"ok"> }][];
    const results = await Promise.all(
      entries.map(
        async ([name, service]) => [name, await pingWithin(() => service.ping(), PING_TIMEOUT_MS)] as const,
      ),
    );
    const services = Object.fromEntries(
      results.map(([name, ok]) => [name, ok ? "ok" : "unavailable"] as const),
    );
    const down = results.filter(([, ok]) => !ok).map(([name]) => name);
    if (down.length > 0)
      log("warn", "health check failed", { requestId: c.get("requestId"), down: down.join(",") });
    c.header("cache-control", "no-store");
    return down.length === 0
      ? c.json({ status: "ok" as const, services }, 200)
      : c.json({ status: "degraded" as const, services }, 503);
  },
);
