// The built entry (dist/providers.js) as users import it: it takes IdTokenError from the SDK entry, so a preset's
// refusal is the class applications catch, and dist/index.js shares nothing with it.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { dist, requireBuild } from '../docs/helpers.ts'

describe('dist/providers.js', () => {
  it("imports the SDK entry only, and its refusals are the SDK entry's IdTokenError", async () => {
    requireBuild()
    const code = readFileSync(`${dist}providers.js`, 'utf8')
    expect([...code.matchAll(/^import .* from '([^']+)';?$/gm)].map((match) => match[1])).toEqual(['./index.js'])
    expect(readFileSync(`${dist}index.js`, 'utf8')).not.toMatch(/^import /m)
    const sdk = (await import(pathToFileURL(`${dist}index.js`).href)) as typeof import('../../src/index.ts')
    const { cognito } = (await import(
      pathToFileURL(`${dist}providers.js`).href
    )) as typeof import('../../src/providers/index.ts')
    const { check } = cognito({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client' })
    let thrown: unknown
    try {
      check!({ payload: { token_use: 'access' } as never, header: { alg: 'RS256' }, issuer: '', params: {}, key: {} })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(sdk.IdTokenError)
    expect(thrown).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'token_use' })
  })
})
