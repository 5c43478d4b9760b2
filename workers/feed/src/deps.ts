import { z } from "zod";
import { idOf } from "../../../lib/durable-ids";
import { AppError } from "../../../lib/errors";

/** What the feed's domain code works with: the timelines, its neighbours and its settings. */
export interface FeedDeps {
  timelines: FeedEnv["TIMELINES"];
  users: FeedEnv["USERS"];
  posts: FeedEnv["POSTS"];
  /** Users' live channels (`feed.new` to followers who are online). */
  notifications: FeedEnv["NOTIFICATIONS"];
  /** Authors with more followers than this get no fan-out (wrangler var FANOUT_LIMIT). */
  fanoutLimit: number;
  /** How many of the newest candidates the ranked feed orders (wrangler var RANK_WINDOW). */
  rankWindow: number;
  now: number;
}

const Settings = z.object({
  FANOUT_LIMIT: z.coerce.number().int().min(0).max(1_000_000),
  // At most 100: the window is ranked on one engagementOf call.
  RANK_WINDOW: z.coerce.number().int().min(1).max(100),
});

/** Settings parsed once per env (the runtime keeps one env object for the isolate's life). */
const parsedSettings = new WeakMap<object, z.infer<typeof Settings>>();

function settingsOf(env: FeedEnv): z.infer<typeof Settings> {
  let settings = parsedSettings.get(env);
  if (!settings) {
    const parsed = Settings.safeParse(env);
    if (!parsed.success) {
      throw new AppError("internal", "the feed's settings are not valid", { cause: parsed.error });
    }
    settings = parsed.data;
    parsedSettings.set(env, settings);
  }
  return settings;
}

export function feedDeps(env: FeedEnv): FeedDeps {
  const settings = settingsOf(env);
  return {
    timelines: env.TIMELINES,
    users: env.USERS,
    posts: env.POSTS,
    notifications: env.NOTIFICATIONS,
    fanoutLimit: settings.FANOUT_LIMIT,
    rankWindow: settings.RANK_WINDOW,
    now: Date.now(),
  };
}

/** The Timeline Durable Object of a user (one per user, named by the user id). */
export function timelineOf(deps: Pick<FeedDeps, "timelines">, userId: string) {
  return deps.timelines.get(idOf(deps.timelines, userId));
}
