import type { PostEngagement } from "../../posts/src/schemas";

/**
 * The home feed's ranking. A post's score is
 *
 *   recency × (1 + ENGAGEMENT_WEIGHT · ln(1 + engagement) + AFFINITY_WEIGHT · ln(1 + affinity))
 *
 * - recency = 0.5 ^ (age in hours / HALF_LIFE_HOURS): a post loses half its weight every 12 hours,
 *   so boosts reorder posts of about the same age but never keep an old post on top for long;
 * - engagement = likes + 2·comments + 3·shares, from the posts service's counts (engagementOf; for
 *   a share, its own counts plus the original's): logarithmic, so the 1000th like adds little;
 * - affinity = how much the reader has interacted with the author (likes 1, comments 2, shares 3,
 *   halving every 30 days; for a share, the larger of sharer's and original author's).
 */
export const RANKING = {
  halfLifeHours: 12,
  engagementWeight: 0.5,
  affinityWeight: 1,
  commentWeight: 2,
  shareWeight: 3,
} as const;

export interface RankingFeatures {
  ageMs: number;
  likes: number;
  comments: number;
  shares: number;
  affinity: number;
}

export function scoreOf(features: RankingFeatures): number {
  const hours = Math.max(0, features.ageMs) / 3_600_000;
  const recency = 0.5 ** (hours / RANKING.halfLifeHours);
  const engagement =
    features.likes + RANKING.commentWeight * features.comments + RANKING.shareWeight * features.shares;
  return (
    recency *
    (1 +
      RANKING.engagementWeight * Math.log1p(Math.max(0, engagement)) +
      RANKING.affinityWeight * Math.log1p(Math.max(0, features.affinity)))
  );
}

/** A post's features, as the reader sees it now. */
export function featuresOf(
  post: PostEngagement,
  affinity: Readonly<Record<string, number>>,
  now: number,
): RankingFeatures {
  const { original } = post;
  const affinityFor = (authorId: string) => affinity[authorId] ?? 0;
  return {
    ageMs: now - post.createdAt,
    likes: post.likeCount + (original?.likeCount ?? 0),
    comments: post.commentCount + (original?.commentCount ?? 0),
    shares: post.shareCount + (original?.shareCount ?? 0),
    affinity: Math.max(affinityFor(post.authorId), original ? affinityFor(original.authorId) : 0),
  };
}

/** Post ids best first; equal scores keep newest-first order. */
export function rankPosts(
  posts: PostEngagement[],
  affinity: Readonly<Record<string, number>>,
  now: number,
): string[] {
  return posts
    .map((post) => ({ post, score: scoreOf(featuresOf(post, affinity, now)) }))
    .sort(
      (a, b) => b.score - a.score || b.post.createdAt - a.post.createdAt || (a.post.id < b.post.id ? 1 : -1),
    )
    .map(({ post }) => post.id);
}
