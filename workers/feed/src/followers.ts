import type { FeedDeps } from "./deps";

/** The users service's largest page of follower ids. */
const PAGE_SIZE = 1000;

/**
 * A user's follower ids, as long as there are at most `max` of them; `more` says there are more
 * (then `ids` holds `max + 1` of them and the author is too big for fan-out).
 */
export async function followersUpTo(
  deps: Pick<FeedDeps, "users">,
  userId: string,
  max: number,
): Promise<{ ids: string[]; more: boolean }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const limit = Math.min(PAGE_SIZE, max + 1 - ids.length);
    const page = await deps.users.followersOf({ userId, limit, ...(cursor && { cursor }) });
    ids.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length <= max);
  return { ids: ids.slice(0, max + 1), more: ids.length > max };
}

/** Visits every follower of a user, a page at a time. */
export async function forEachFollowerPage(
  deps: Pick<FeedDeps, "users">,
  userId: string,
  visit: (ids: string[]) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await deps.users.followersOf({ userId, limit: PAGE_SIZE, ...(cursor && { cursor }) });
    await visit(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * Runs `task` for every item, `concurrency` at a time (each is a Durable Object call), and lets the
 * event loop take other work between waves. A Timeline call in the same process settles at once, so
 * a loop of them never leaves the runtime's queue of ready work empty, and workerd only reads its
 * sockets when it is: without the pause, a fan-out held up every request of the process until it
 * ended (bench/social: no answer at all for 0.3-0.7 s per batch of new posts).
 */
export async function inBatches<T>(
  items: readonly T[],
  task: (item: T) => Promise<unknown>,
  concurrency = 8,
): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) {
    if (i > 0) await nextTurn();
    await Promise.all(items.slice(i, i + concurrency).map(task));
  }
}

/** Resolves after the runtime has gone through its pending I/O (a zero-delay timer). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
