import { DurableObject } from "cloudflare:workers";
import { ulid } from "../../lib/ids";
import type { FollowChange, Interaction, Keyset, NewFollow, ReadState, Snapshot, TimelineEntry } from "./rpc";
import { TimelineStorage } from "./storage";

/** Set on the timeline of an author whose followers have all been told the author is big. */
const BIG_SELF = "big_self";

/**
 * One user's home timeline: the posts fanned out to them (with author and time), whom they follow
 * and which of those are too big for fan-out, how much they interact with each author, and ranked
 * snapshots for paging. Every write is idempotent, because events arrive at least once and in any
 * order: entries are keyed by post id, follow changes carry their time, interactions their event id.
 */
export class Timeline extends DurableObject<FeedEnv> {
  private readonly store: TimelineStorage;

  constructor(ctx: DurableObjectState, env: FeedEnv) {
    super(ctx, env);
    this.store = new TimelineStorage(ctx.storage.sql);
  }

  /**
   * A followed author's posts (fan-out). Skipped for an author this user has since unfollowed, so
   * a fan-out that lands after the unfollow does not bring the posts back.
   */
  async addPosts(entries: TimelineEntry[]): Promise<number> {
    return this.store.addEntries(this.stillFollowed(entries));
  }

  private stillFollowed(entries: TimelineEntry[]): TimelineEntry[] {
    return entries.filter((entry) => this.store.followee(entry.authorId)?.following !== false);
  }

  /** The user's own new post; says whether the user's posts are merged at read time (big). */
  async addOwnPost(entry: TimelineEntry): Promise<{ big: boolean }> {
    this.store.addEntries([entry]);
    return { big: this.store.flag(BIG_SELF) };
  }

  /** The user's own post was deleted; says whether the user's posts are merged at read time. */
  async removeOwnPost(postId: string): Promise<{ big: boolean }> {
    this.store.removeEntries([postId]);
    return { big: this.store.flag(BIG_SELF) };
  }

  /** Whether this user's posts are merged at read time instead of fanned out. */
  async isBig(): Promise<boolean> {
    return this.store.flag(BIG_SELF);
  }

  /** Records that every follower of this user now merges the user's posts at read time. */
  async markSelfBig(): Promise<void> {
    this.store.setFlag(BIG_SELF);
  }

  async removePosts(postIds: string[]): Promise<void> {
    this.store.removeEntries(postIds);
  }

  /** Records that this user's posts are fanned out again (the author has lost followers). */
  async unmarkSelfBig(): Promise<void> {
    this.store.clearFlag(BIG_SELF);
  }

  /** A followed author has too many followers for fan-out. */
  async rememberBigAuthor(authorId: string): Promise<void> {
    this.store.rememberBigAuthor(authorId);
  }

  /**
   * A followed author is small again: their posts stop being merged at read, and their recent
   * posts are added instead (unless this user has since unfollowed them).
   */
  async forgetBigAuthor(authorId: string, posts: TimelineEntry[]): Promise<void> {
    this.store.forgetBigAuthor(authorId);
    this.store.addEntries(this.stillFollowed(posts.filter((entry) => entry.authorId === authorId)));
  }

  /** Starts following an author and backfills their recent posts; false when a newer change won. */
  async follow(change: NewFollow): Promise<boolean> {
    if (!this.isNewer(change)) return false;
    this.store.setFollowing(change.authorId, true, change.at);
    if (change.big) this.store.rememberBigAuthor(change.authorId);
    this.store.addEntries(change.posts.filter((entry) => entry.authorId === change.authorId));
    return true;
  }

  /** Stops following an author and removes their posts; false when a newer change won. */
  async unfollow(change: FollowChange): Promise<boolean> {
    if (!this.isNewer(change)) return false;
    this.store.setFollowing(change.authorId, false, change.at);
    this.store.removeEntriesBy(change.authorId);
    return true;
  }

  private isNewer(change: FollowChange): boolean {
    const current = this.store.followee(change.authorId);
    return current === null || current.changedAt <= change.at;
  }

  /** Raises affinity for an author once per event; false for a redelivered event. */
  async recordInteraction(interaction: Interaction): Promise<boolean> {
    const now = Date.now();
    if (!this.store.markProcessed(interaction.eventId, now)) return false;
    this.store.addAffinity(interaction.authorId, interaction.weight, now);
    return true;
  }

  /**
   * What a read needs from here, in one call. Affinity only matters to ranking: a newest-first read
   * passes `affinity: false` and gets `{}` (the scores are the costliest part of the answer).
   */
  async readState(input: { limit: number; before: Keyset | null; affinity?: boolean }): Promise<ReadState> {
    return {
      entries: this.store.entries(input.limit, input.before),
      bigAuthors: this.store.followedBigAuthors(),
      affinity: input.affinity === false ? {} : this.store.affinity(Date.now()),
    };
  }

  /** Keeps a ranked window for paging; returns its id. */
  async saveSnapshot(snapshot: Snapshot): Promise<string> {
    const id = ulid();
    this.store.saveSnapshot(id, snapshot, Date.now());
    return id;
  }

  /** A ranked window saved earlier, or null once it has expired. */
  async snapshot(id: string): Promise<Snapshot | null> {
    return this.store.snapshot(id, Date.now());
  }
}
