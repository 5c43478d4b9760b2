import { describe, expect, it } from "vitest";
import { request, rpcError } from "../../../lib/testing/http";
import { makeMp4, makePng } from "./fixtures";
import { call, newAccount, uploaded, worker } from "./worker";

const rpc = worker.MediaService;

describe("ownedMedia (for the posts service)", () => {
  it("returns the caller's own finished media among the ids, in the order asked, once each", async () => {
    const me = await newAccount();
    const other = await newAccount();
    const photo = await uploaded(me, await makePng(4, 4), "image/png");
    const clip = await uploaded(me, makeMp4(100), "video/mp4");
    const theirs = await uploaded(other, await makePng(4, 4), "image/png");
    const pending = await call(
      request("POST", "/v1/media/uploads", {
        token: me.accessToken,
        body: { contentType: "video/mp4", size: 100, filename: "later.mp4" },
      }),
    );
    const { mediaId: unfinished } = (await pending.json()) as { mediaId: string };

    const owned = await rpc.ownedMedia({
      ownerId: me.user.id,
      ids: [clip.id, theirs.id, unfinished, photo.id, "med_01J9Z3V6Q3K8T1M2N4P5R6S7T8", clip.id],
    });
    expect(owned).toEqual([
      { id: clip.id, contentType: "video/mp4", url: `/v1/media/${clip.id}/content` },
      { id: photo.id, contentType: "image/png", url: `/v1/media/${photo.id}/content` },
    ]);
    expect(await rpc.ownedMedia({ ownerId: me.user.id, ids: [] })).toEqual([]);
  });

  it.each([
    ["an owner that is not a user id", { ownerId: "nobody", ids: [] }],
    ["an id that is not a media id", { ownerId: "usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8", ids: ["x"] }],
    [
      "more than 100 ids",
      { ownerId: "usr_01J9Z3V6Q3K8T1M2N4P5R6S7T8", ids: Array(101).fill("med_01J9Z3V6Q3K8T1M2N4P5R6S7T8") },
    ],
  ])("rejects %s", async (_name, argument) => {
    const error = await rpcError(() => rpc.ownedMedia(argument));
    expect(error.message).toMatch(/invalid RPC argument/);
  });
});

describe("ping", () => {
  it("answers when the database does", async () => {
    expect(await rpc.ping()).toBe("ok");
  });
});
