import { REVOCATION_TTL_SECONDS, revokedSessionKey } from "../../../lib/auth/claims";

/**
 * Tells every verifier (the gateway first) that these sessions are over, so their access tokens are
 * refused before they expire. Each entry lives as long as such a token can.
 */
export async function publishRevocations(
  kv: KVNamespace,
  sessionIds: string[],
  reason: string,
): Promise<void> {
  await Promise.all(
    sessionIds.map((id) => kv.put(revokedSessionKey(id), reason, { expirationTtl: REVOCATION_TTL_SECONDS })),
  );
}
