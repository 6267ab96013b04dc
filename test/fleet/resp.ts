// A tiny Redis client over node:net (RESP2, one connection, commands answered in order): enough for the Redis
// store example and its tests without a dependency. Applications use node-redis, ioredis or iovalkey.
import { connect, type Socket } from 'node:net'
import type { RedisLike } from '../../examples/stores/redis.ts'

export type Reply = string | number | null | Reply[]

export interface RespClient {
  command(...args: readonly (string | number)[]): Promise<Reply>
  close(): void
}

class ReplyError extends Error {}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
function parse(buffer: Buffer, at: number): { value: Reply | ReplyError; next: number } | undefined {
  const end = buffer.indexOf('\r\n', at)
  if (end < 0) return undefined
  const line = buffer.toString('utf8', at + 1, end)
  switch (String.fromCharCode(buffer[at]!)) {
    case '+':
      return { value: line, next: end + 2 }
    case '-':
      return { value: new ReplyError(line), next: end + 2 }
    case ':':
      return { value: Number(line), next: end + 2 }
    case '$': {
      const length = Number(line)
      if (length < 0) return { value: null, next: end + 2 }
      if (buffer.length < end + 2 + length + 2) return undefined
      return { value: buffer.toString('utf8', end + 2, end + 2 + length), next: end + 2 + length + 2 }
    }
    case '*': {
      const count = Number(line)
      if (count < 0) return { value: null, next: end + 2 }
      const items: Reply[] = []
      let next = end + 2
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, next)
        if (item === undefined) return undefined
        items.push(item.value as Reply)
        next = item.next
      }
      return { value: items, next }
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(String.fromCharCode(buffer[at]!))}`)
  }
}

export function connectResp(port: number, host = '127.0.0.1'): Promise<RespClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host })
    const pending: Array<{ resolve(value: Reply): void; reject(error: Error): void }> = []
    let buffer = Buffer.alloc(0)
    socket.setNoDelay(true)
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
      let at = 0
      for (;;) {
        const reply = at < buffer.length ? parse(buffer, at) : undefined
        if (reply === undefined) break
        at = reply.next
        const waiter = pending.shift()
        if (reply.value instanceof ReplyError) waiter?.reject(reply.value)
        else waiter?.resolve(reply.value)
      }
      buffer = buffer.subarray(at)
    })
    const failAll = (error: Error) => {
      for (const waiter of pending.splice(0)) waiter.reject(error)
    }
    socket.on('error', (error) => {
      failAll(error)
      reject(error)
    })
    socket.on('close', () => failAll(new Error('redis connection closed')))
    socket.on('connect', () =>
      resolve({
        command(...args) {
          const parts = args.map(String)
          const frame = `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`
          return new Promise<Reply>((ok, fail) => {
            pending.push({ resolve: ok, reject: fail })
            socket.write(frame)
          })
        },
        close: () => socket.end(),
      }),
    )
  })
}

/** The store's three commands on this client, as an application adapts node-redis or ioredis. */
export function redisLike(client: RespClient): RedisLike {
  return {
    get: async (key) => (await client.command('GET', key)) as string | null,
    set: async (key, value, { px, nx }) =>
      (await client.command('SET', key, value, 'PX', px, ...(nx === true ? ['NX'] : []))) as string | null,
    del: async (key) => (await client.command('DEL', key)) as number,
  }
}
