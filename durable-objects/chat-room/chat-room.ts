import { DurableObject } from "cloudflare:workers";

/** Scaffold: the ChatRoom Durable Object (being built). */
export class ChatRoom extends DurableObject<MessagingEnv> {}
