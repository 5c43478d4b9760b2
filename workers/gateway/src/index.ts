import { createGatewayApp } from "./app";

const app = createGatewayApp();

export default { fetch: app.fetch } satisfies ExportedHandler<GatewayEnv>;
