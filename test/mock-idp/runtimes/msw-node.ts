// Runner for Deno and Bun: the shared scenario under msw's setupServer. Prints `ok N checks`, or every failed
// check, and exits non-zero on failure.
import process from 'node:process'
import { setupServer } from 'msw/node'
import { runSharedScenario } from './shared.ts'

const server = setupServer()
try {
  const { passed, failures } = await runSharedScenario((handlers) => {
    server.use(...handlers)
    server.listen({ onUnhandledRequest: 'error' })
  })
  server.close()
  if (failures.length > 0) {
    for (const failure of failures) console.error(`FAIL ${failure}`)
    process.exit(1)
  }
  console.log(`ok ${passed} checks`)
  process.exit(0)
} catch (error) {
  console.error(error)
  server.close()
  process.exit(1)
}
