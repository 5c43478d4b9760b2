import { DurableObject } from "cloudflare:workers";

/** Scaffold: the UserChannel Durable Object (being built). */
export class UserChannel extends DurableObject<NotificationsEnv> {}
