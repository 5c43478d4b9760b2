import { Scalar } from "@scalar/hono-api-reference";
import { createRouter } from "../../../../lib/app";
import { AppError } from "../../../../lib/errors";
import { log } from "../../../../lib/logging";
import type { OpenApiDocument } from "../../../../lib/service";
import { mergeOpenApi } from "../openapi";
import { servicesOf } from "../services";

/** Where `npm start` puts Scalar's browser bundle among the static assets (no CDN needed). */
export const SCALAR_BUNDLE_PATH = "/vendor/scalar/standalone.js";

/** /openapi.json (the gateway's own routes, as `describeGateway` gives them, and every service's) and /docs. */
export function docsRoutes(describeGateway: () => OpenApiDocument) {
  const routes = createRouter<GatewayEnv>();
  routes.get("/openapi.json", async (c) => {
    const services = Object.entries(servicesOf(c.env));
    const documents = await Promise.all(
      services.map(async ([name, service]) => {
        try {
          return await service.openApi();
        } catch (error) {
          log("error", "service OpenAPI document unavailable", { service: name, error: String(error) });
          throw new AppError("unavailable", `the ${name} service did not describe its API; try again`);
        }
      }),
    );
    c.header("cache-control", "no-cache");
    return c.json(mergeOpenApi(describeGateway(), documents));
  });
  routes.get(
    "/docs",
    Scalar({ url: "/openapi.json", cdn: SCALAR_BUNDLE_PATH, pageTitle: "Plaza API reference" }),
  );
  return routes;
}
