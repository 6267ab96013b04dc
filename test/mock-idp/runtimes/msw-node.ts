// Runner for Deno and Bun: the scenario under msw's setupServer. Exits non-zero on failure.
import process from 'node:process'
import { setupServer } from 'msw/node'
import { runScenario } from './scenario.ts'

const server = setupServer()
try {
  const checks = await runScenario((handlers) => {
    server.use(...handlers)
    server.listen({ onUnhandledRequest: 'error' })
  })
  console.log(`ok ${checks} checks`)
  server.close()
  process.exit(0)
} catch (error) {
  console.error(error)
  server.close()
  process.exit(1)
}
