import type { OpenApiDocument } from "../../../lib/service";

/** What the gateway needs of every service it fronts (each one's ServiceEntrypoint). */
export interface ServiceBinding {
  ping(): Promise<"ok">;
  /** The ServiceEntrypoint's fetch: a request carrying the gateway's findings (lib/service.ts). */
  fetch(request: Request): Promise<Response>;
  openApi(): Promise<OpenApiDocument>;
}

/** The services behind the gateway, by the name they have in /health and in logs. */
export function servicesOf(env: GatewayEnv) {
  return {
    auth: env.AUTH,
    users: env.USERS,
    sessions: env.SESSIONS,
    posts: env.POSTS,
    media: env.MEDIA,
    feed: env.FEED,
    messaging: env.MESSAGING,
    notifications: env.NOTIFICATIONS,
    calls: env.CALLS,
  } satisfies Record<string, ServiceBinding>;
}

export type ServiceName = keyof ReturnType<typeof servicesOf>;

/**
 * Which service owns which public paths. The first match wins, so a more specific prefix that a
 * later service takes over (say /v1/users/:handle/posts) goes above the general one.
 */
export const ROUTES: readonly { path: string; service: ServiceName }[] = [
  { path: "/v1/auth/*", service: "auth" },
  { path: "/.well-known/jwks.json", service: "auth" },
  // A user's posts belong to the posts service: above the users service's general prefix.
  { path: "/v1/users/:handle/posts", service: "posts" },
  { path: "/v1/users/*", service: "users" },
  { path: "/v1/posts", service: "posts" },
  { path: "/v1/posts/*", service: "posts" },
  { path: "/v1/comments/*", service: "posts" },
  { path: "/v1/media", service: "media" },
  { path: "/v1/media/*", service: "media" },
  { path: "/v1/feed", service: "feed" },
  { path: "/v1/sessions", service: "sessions" },
  { path: "/v1/sessions/*", service: "sessions" },
  { path: "/v1/conversations", service: "messaging" },
  { path: "/v1/conversations/*", service: "messaging" },
  // The caller's live channel (UserChannel) is hosted by notifications.
  { path: "/v1/me/*", service: "notifications" },
  { path: "/v1/notifications", service: "notifications" },
  { path: "/v1/notifications/*", service: "notifications" },
  { path: "/v1/push/*", service: "notifications" },
  { path: "/v1/calls", service: "calls" },
  { path: "/v1/calls/*", service: "calls" },
];
