import { DurableObject } from "cloudflare:workers";

/** Scaffold: the CallRoom Durable Object (being built). */
export class CallRoom extends DurableObject<CallsEnv> {}
