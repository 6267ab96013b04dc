import { memoryStore, type CachedEntry, type JwksStore } from '../stores.ts'
import type { EventHandler } from '../events.ts'

const STORE_TIMEOUT_MS = 2000

/**
 * A store that cannot break verification: an operation that throws, or hangs (a blocked IndexedDB
 * upgrade), is reported once and the verifier carries on with memory alone.
 */
export function safeStore(store: JwksStore, emit: EventHandler): JwksStore {
  let active = store
  const fallback = memoryStore()

  async function guarded<T>(operation: 'get' | 'set' | 'delete', run: (s: JwksStore) => Promise<T>, onFail: T): Promise<T> {
    if (active === fallback) return run(fallback)
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        run(active),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the store did not answer ${operation} in ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS)
        }),
      ])
    } catch (error) {
      active = fallback
      emit({ type: 'store-failed', operation, error })
      return onFail
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    get: (key) => guarded<CachedEntry | undefined>('get', (s) => s.get(key), undefined),
    set: (key, entry) => guarded('set', (s) => s.set(key, entry), undefined),
    delete: (key) => guarded('delete', (s) => s.delete(key), undefined),
  }
}
