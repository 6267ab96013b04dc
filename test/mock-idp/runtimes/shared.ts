// The shared mock IdP scenario (test/msw3/scenario.ts, which the msw 3 runner runs on the built files) on this
// checkout's sources: the mock IdP, the SDK and the root jose, served by the msw the caller sets up. Used by
// the Node, Bun and Deno runs; Chromium keeps scenario.ts (see there).
import * as jose from 'jose'
import * as mockIdp from '../../../mock-idp/index.ts'
import * as sdk from '../../../src/index.ts'
import { runScenario, SCENARIO_CHECKS, type ScenarioLibraries } from '../../msw3/scenario.ts'

export { SCENARIO_CHECKS }

export interface SharedRun {
  passed: number
  failures: string[]
}

/** Runs every check, collecting the failed ones; rejects only when the scenario itself throws. */
export async function runSharedScenario(serve: ScenarioLibraries['serve']): Promise<SharedRun> {
  const run: SharedRun = { passed: 0, failures: [] }
  await runScenario({
    serve,
    jose,
    mockIdp,
    sdk,
    check(condition, message) {
      if (condition) run.passed += 1
      else run.failures.push(message)
    },
  })
  return run
}
