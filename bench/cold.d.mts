// Types for cold.mjs, for the TypeScript that imports it (test/bench/smoke.test.ts).
export interface ColdRow {
  readonly id: string
  readonly measure: string
  readonly result: string
  readonly target: string
  readonly pass: boolean
  /** Milliseconds (a median where there were several). */
  readonly ms?: number
  /** What the provider counted. */
  readonly requests?: unknown
  readonly [detail: string]: unknown
}

export interface ColdNodeOptions {
  /** The SDK's entry module (createVerifier and indexedDbStore are used). */
  readonly sdk: unknown
  /** jose's entry module. */
  readonly jose: unknown
  /** Fresh verifiers per timing; 0 skips the timing-only comparisons. Default 15. */
  readonly reps?: number
  /** Concurrent verifications on a fresh verifier. Default 1000. */
  readonly concurrent?: number
  /** Tokens with random unknown kids. Default 10000. */
  readonly flood?: number
  /** The verifier's cooldown for the flood, in seconds. Default 2. */
  readonly floodCooldown?: number
  readonly log?: (line: string) => void
}

export declare function runColdNode(options: ColdNodeOptions): Promise<{ rows: ColdRow[]; seconds: number }>
export declare function runColdChromium(options: {
  readonly browser: unknown
  readonly sdk: { readonly code: string }
  readonly jose: unknown
  /** New profiles per contender. Default 5. */
  readonly reps?: number
  /** Milliseconds the provider holds back each discovery and key-set answer. Default 50. */
  readonly latency?: number
  /** Traced first sign-ins (IndexedDB), apart from the timed ones; 'all' traces memory and jose too. Default true. */
  readonly trace?: boolean | 'all'
  readonly tabs?: number
  readonly tabTrials?: number
  readonly log?: (line: string) => void
}): Promise<{ rows: ColdRow[]; browser: string; latency: number; seconds: number }>
export declare function formatCold(rows: readonly ColdRow[]): string
export declare function formatColdComparison(reports: Readonly<Record<string, { rows: readonly ColdRow[] }>>): string
