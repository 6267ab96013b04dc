// Public entry `idtoken-verify/mock-idp`: browser-safe (msw core and jose only).
export { createMockIdp } from './create.ts'
export { BAD_TOKEN_CATALOGUE, BAD_TOKEN_NAMES, EXPECTED_CHECKS, type BadTokenInfo } from './bad-tokens.ts'
export { SIGNING_ALGORITHMS, type SigningAlgorithm } from './lib/algorithms.ts'
export type {
  BadToken,
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
  MockIdpUser,
  RequestLogEntry,
  RotateOptions,
  RotationSchedule,
  VerifyChecks,
} from './types.ts'
