// Back-Channel Logout 1.0 §2.6 step 8: a logout token whose jti was received before is refused. The default
// guard remembers ids in this process only, each until the token it came with could no longer verify.

/** What a replay guard is told about an accepted logout token. */
export interface ReplayEntry {
  /** The token's `jti`. */
  readonly jti: string
  /** The token's `iss`: ids are unique per issuer only. */
  readonly iss: string
  /** Seconds since the epoch after which the token no longer verifies: remember the id until then. */
  readonly expiresAt: number
}

/**
 * Records a logout token's id and says whether it was seen before (then the token is refused). Must check and
 * record in one step (Redis `SET key 1 NX EXAT expiresAt`, a unique index) so two concurrent deliveries of one
 * token cannot both pass.
 */
export type ReplayGuard = (entry: ReplayEntry) => boolean | Promise<boolean>

const MAX_ENTRIES = 10_000

/** The default guard: a bounded map in memory, per verifier and per process. */
export function memoryReplayGuard(now: () => number): ReplayGuard {
  const seen = new Map<string, number>()
  return ({ jti, iss, expiresAt }) => {
    const key = `${iss} ${jti}`
    const known = seen.get(key)
    if (known !== undefined && known >= now() / 1000) return true
    if (seen.size >= MAX_ENTRIES) {
      const t = now() / 1000
      for (const [id, until] of seen) if (until < t) seen.delete(id)
      // Still full of live ids: forget the oldest (a flood of live ids needs that many tokens the provider signed).
      for (const id of seen.keys()) {
        if (seen.size < MAX_ENTRIES) break
        seen.delete(id)
      }
    }
    seen.delete(key)
    seen.set(key, expiresAt)
    return false
  }
}
