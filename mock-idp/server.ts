// Public entry `idtoken-verify/mock-idp/server`: the mock on a real HTTP server, its control API and the audit.
/**
 * `idtoken-verify/mock-idp/server`: the mock provider on a real HTTP server on 127.0.0.1, with a
 * `/_mock/` control API, for test suites in any language (also as the CLI `idtoken-verify-mock-idp`).
 * Start with {@link startMockIdpServer}.
 *
 * @module idtoken-verify/mock-idp/server
 */
export { startMockIdpServer, type MockIdpServer, type MockIdpServerOptions } from './start-server.ts'
export { createControlHandlers, type ControlClock, type ControlOptions } from './control.ts'
export {
  auditApi,
  auditExitCode,
  type AuditOptions,
  type AuditReport,
  type AuditResult,
  type AuditVerdict,
} from './audit.ts'
export type { MockIdp, MockIdpOptions } from './types.ts'
