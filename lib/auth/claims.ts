/** What every Plaza access token says and how long it and its revocation live. */

export const ACCESS_TOKEN_ISSUER = "plaza-auth";
export const ACCESS_TOKEN_AUDIENCE = "plaza-api";
/** RFC 9068 media type of a JWT access token, in its `typ` header. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const ACCESS_TOKEN_ALGORITHM = "ES256";
/** 15 minutes: the longest an access token can outlive a logout before the KV entry refuses it. */
export const ACCESS_TOKEN_TTL_SECONDS = 900;
/** Clock skew we accept between the issuer and a verifier. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The signed-in caller, as a verified access token names it. */
export interface Principal {
  userId: string;
  sessionId: string;
}

/** A revoked session is remembered in KV for as long as one of its access tokens can still be valid. */
export const REVOCATION_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60;

/** The prefix of every revocation key in KV: listing it lists the revoked sessions. */
export const REVOKED_SESSION_PREFIX = "revoked-session:";

export function revokedSessionKey(sessionId: string): string {
  return `${REVOKED_SESSION_PREFIX}${sessionId}`;
}
