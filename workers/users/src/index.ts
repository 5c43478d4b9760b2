import { z } from "zod";
import { relayEvents } from "../../../lib/events/outbox";
import { parseRpcArgument as parse, ServiceEntrypoint } from "../../../lib/service";
import { createUsersApp } from "./app";
import { usersDb } from "./db/client";
import { followersCountOf } from "./db/profiles";
import { eventQueues } from "./deps";
import { followerIdsPage, type Page } from "./follows";
import {
  type CreateProfileResult,
  createProfile,
  removeProfile,
  summariesByHandles,
  summariesByIds,
  summaryByHandle,
  summaryById,
} from "./profiles";
import { FollowerPageRequest, Handle, NewProfile, UserId, type UserSummary } from "./schemas";

const app = createUsersApp();

/** RPC arguments, built once: constructing a zod schema costs more than checking a call's arguments. */
const UserIds = z.array(UserId).max(100);
const Handles = z.array(Handle).max(100);

/**
 * The public HTTP entry (requests that do not come through the gateway check their own tokens), and
 * the cron trigger that relays the events requests left in the outbox.
 */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await relayEvents(env.DB, eventQueues(env));
  },
} satisfies ExportedHandler<UsersEnv>;

/** RPC for the gateway and the other services. Every argument is validated like a request body. */
export class UsersService extends ServiceEntrypoint<UsersEnv> {
  protected readonly app = app;
  protected readonly serviceName = "users";

  override async ping(): Promise<"ok"> {
    await this.env.DB.prepare("SELECT 1").first();
    return "ok";
  }

  async createProfile(input: NewProfile): Promise<CreateProfileResult> {
    return createProfile(usersDb(this.env.DB), parse(NewProfile, input));
  }

  /** Undoes createProfile when the account it was made for could not be finished. */
  async deleteProfile(userId: string): Promise<void> {
    await removeProfile(usersDb(this.env.DB), parse(UserId, userId));
  }

  async getProfile(userId: string): Promise<UserSummary | null> {
    return summaryById(usersDb(this.env.DB), parse(UserId, userId));
  }

  /** The user behind a handle, or null. */
  async getProfileByHandle(handle: string): Promise<UserSummary | null> {
    return summaryByHandle(usersDb(this.env.DB), parse(Handle, handle));
  }

  /** Up to 100 users by id, for hydrating lists; unknown ids are left out. */
  async getProfiles(userIds: string[]): Promise<UserSummary[]> {
    return summariesByIds(usersDb(this.env.DB), parse(UserIds, userIds));
  }

  /**
   * Up to 100 users by handle (without "@"), each once, in the order asked; unknown handles are
   * left out. For resolving many handles at once (group members) in one call.
   */
  async getProfilesByHandles(handles: string[]): Promise<UserSummary[]> {
    return summariesByHandles(usersDb(this.env.DB), parse(Handles, handles));
  }

  /**
   * How many followers a user has (null for an unknown user): one indexed read, for callers that
   * need the size of an audience without its ids (the feed's big-author checks).
   */
  async followersCount(userId: string): Promise<number | null> {
    return followersCountOf(usersDb(this.env.DB), parse(UserId, userId));
  }

  /** A page of a user's follower ids, newest first; walk nextCursor to reach them all. */
  async followersOf(request: FollowerPageRequest): Promise<Page<string>> {
    const { userId, limit, cursor } = parse(FollowerPageRequest, request);
    return followerIdsPage(usersDb(this.env.DB), userId, limit, cursor);
  }
}
