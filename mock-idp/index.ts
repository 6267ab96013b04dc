// Public entry `idtoken-verify/mock-idp`: browser-safe (msw core and jose only).
/**
 * `idtoken-verify/mock-idp`: a mock OpenID Connect provider as MSW request handlers plus the state
 * behind them, for tests under `setupServer` (Node, Deno, Bun) or `setupWorker` (browsers). Start with
 * {@link createMockIdp}; `docs/mock-idp.md` is the guide.
 *
 * @module idtoken-verify/mock-idp
 */
export { createMockIdp } from './create.ts'
export { BAD_TOKEN_CATALOGUE, BAD_TOKEN_NAMES, EXPECTED_CHECKS, type BadTokenInfo } from './bad-tokens.ts'
export {
  CROSS_PROFILE_CATALOGUE,
  CROSS_PROFILE_NAMES,
  type CrossProfileTarget,
  type CrossProfileToken,
  type CrossProfileTokenInfo,
  type CrossProfileTokenName,
} from './cross-profile.ts'
export { SIGNING_ALGORITHMS, type SigningAlgorithm } from './lib/algorithms.ts'
export type {
  BadToken,
  BadTokenAcceptance,
  BackchannelLogoutDelivery,
  BackchannelLogoutOptions,
  BadTokenName,
  ExpectedError,
  Fault,
  KeyInfo,
  KeyStatus,
  MintOptions,
  MockIdp,
  MockIdpClient,
  MockIdpEndpoint,
  MockIdpOptions,
  MockIdpProfile,
  MockIdpPersona,
  MockIdpUser,
  RequestLogEntry,
  ResetOptions,
  RotateOptions,
  RotationSchedule,
  VerifyChecks,
} from './types.ts'
