// The claim policy the claim-rule tables share: two configured issuers (one a template), two audiences, no
// tolerance unless a row sets one. Times are seconds around T.
import type { ClaimPolicy } from '../../../src/lib/jwt-claims.ts'
import { issuersOf } from '../../../src/lib/issuers.ts'

export const T = 1_800_000_000
export const ISS = 'https://issuer.example.test'
export const CLIENT = 'client-1'

export const policy = (over: Partial<ClaimPolicy> = {}): ClaimPolicy => ({
  issuers: issuersOf([ISS, 'https://login.example.test/{tenant}']),
  audiences: [CLIENT, 'client-2'],
  clockTolerance: 0,
  maxTokenAge: undefined,
  hint: () => '',
  ...over,
})

/** `payload` without `claim`. */
export function without(payload: Record<string, unknown>, claim: string): Record<string, unknown> {
  const { [claim]: _, ...rest } = payload
  return rest
}
