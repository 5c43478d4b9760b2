import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { idOf, MAX_REMEMBERED_IDS } from "../../../lib/durable-ids";

// The Timelines' ids are made once per isolate (lib/durable-ids.ts).
describe("idOf", () => {
  it("gives the id idFromName gives, the same object again for the same name", () => {
    const id = idOf(env.TIMELINES, "usr_durable_ids_a");
    expect(id.equals(env.TIMELINES.idFromName("usr_durable_ids_a"))).toBe(true);
    expect(idOf(env.TIMELINES, "usr_durable_ids_a")).toBe(id);
    expect(idOf(env.TIMELINES, "usr_durable_ids_b").equals(id)).toBe(false);
  });

  it("reaches the same object through a remembered id as through a fresh one", async () => {
    const name = "usr_durable_ids_c";
    const remembered = env.TIMELINES.get(idOf(env.TIMELINES, name));
    await remembered.addOwnPost({
      postId: "pst_durable_ids",
      authorId: name,
      sharedPostId: null,
      createdAt: 1,
    });
    const fresh = env.TIMELINES.get(env.TIMELINES.idFromName(name));
    const state = await fresh.readState({ limit: 5, before: null, affinity: false });
    expect(state.entries.map((entry) => entry.postId)).toEqual(["pst_durable_ids"]);
  });

  it("forgets the oldest past its bound, and makes it again when asked", () => {
    const first = idOf(env.TIMELINES, "usr_durable_ids_first");
    for (let i = 0; i < MAX_REMEMBERED_IDS; i++) idOf(env.TIMELINES, `usr_durable_ids_${i}`);
    const again = idOf(env.TIMELINES, "usr_durable_ids_first");
    expect(again).not.toBe(first);
    expect(again.equals(first)).toBe(true);
  });
});
