// Coordination between tabs (or workers) of one origin that share a persistent store: a Web Lock
// makes one of them fetch while the others wait and then read what it stored; a BroadcastChannel tells
// the others that the store changed, so a key rotation found in one tab is seen in all of them.

export const LOCK_WAIT_MS = 10_000

const NOT_TAKEN: unique symbol = Symbol('not taken')

/** Runs `task` holding the lock; `waited` tells it whether another tab held the lock first. */
export async function withLock<T>(name: string, task: (waited: boolean) => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks === undefined || typeof locks.request !== 'function') return task(true)
  let ran = false
  try {
    // One request when nobody holds it: then no other tab is fetching, and a first visit need not ask the store.
    const first = await locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock === null) return NOT_TAKEN
      ran = true
      return task(false)
    })
    if (first !== NOT_TAKEN) return first
    return await locks.request(name, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, () => {
      ran = true
      return task(true)
    })
  } catch (error) {
    // A tab stuck while holding the lock must not stall this one: go on without coordination.
    if (ran) throw error
    return task(true)
  }
}

export interface Channel {
  post(key: string): void
}

// One channel for every document of every verifier in this page: opening one costs a millisecond on a first
// load. Listeners in this page are told directly, since a channel never hears its own messages.
let shared: { readonly channel: BroadcastChannel; readonly listeners: Set<(key: string) => void> } | undefined

export function openChannel(onMessage: (key: string) => void): Channel | undefined {
  if (typeof BroadcastChannel !== 'function') return undefined
  if (shared === undefined) {
    const channel = new BroadcastChannel('idtoken-verify')
    // Node and Deno keep a process alive while a channel is open; a verifier must never do that.
    ;(channel as unknown as { unref?: () => void }).unref?.()
    const listeners = new Set<(key: string) => void>()
    channel.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') for (const listener of listeners) listener(event.data)
    }
    shared = { channel, listeners }
  }
  const { channel, listeners } = shared
  listeners.add(onMessage)
  return {
    post(key) {
      channel.postMessage(key)
      for (const listener of listeners) if (listener !== onMessage) listener(key)
    },
  }
}
