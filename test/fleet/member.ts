// One instance of the simulated fleet (forked by test/fleet/redis.test.ts, bundled with the built dist/ kept
// external): two verifiers for one provider, one sharing the key cache in Redis and one on its own memory,
// each verifying the tokens the parent sends. The clock is the parent's: `offset` ms ahead of the real one.
import { createVerifier, type IdTokenVerifier } from '../runtimes/sdk.mjs'
import { redisStore } from '../../examples/stores/redis.ts'
import { connectResp, redisLike } from './resp.ts'

export interface Task {
  readonly id: number
  readonly token: string
  readonly verifier: 'shared' | 'solo'
  readonly offset: number
}

export type Outcome = { readonly id: number; readonly sub: string } | { readonly id: number; readonly error: string }

const [ISSUER, AUDIENCE, REDIS_PORT] = ['ISSUER', 'AUDIENCE', 'REDIS_PORT'].map((name) => process.env[name] ?? '') as [
  string,
  string,
  string,
]
let offset = 0
const now = (): number => Date.now() + offset
const client = await connectResp(Number(REDIS_PORT))
const verifiers: Record<Task['verifier'], IdTokenVerifier> = {
  shared: createVerifier({ issuer: ISSUER, audience: AUDIENCE, now, cache: redisStore(redisLike(client), { now }) }),
  solo: createVerifier({ issuer: ISSUER, audience: AUDIENCE, now, cache: 'memory' }),
}

process.on('message', (task: Task) => {
  offset = task.offset
  verifiers[task.verifier].verify(task.token).then(
    ({ payload }) => process.send!({ id: task.id, sub: payload.sub } satisfies Outcome),
    (error: { code?: string; message?: string }) =>
      process.send!({ id: task.id, error: `${error.code ?? 'Error'}: ${error.message}` } satisfies Outcome),
  )
})
process.on('disconnect', () => {
  client.close()
  process.exit(0)
})
process.send!('ready')
