// Types for hot.mjs, for the TypeScript that imports it (test/bench/smoke.test.ts).
export type Contender = 'ours' | 'jose' | 'aws' | 'floor'

export interface Verdict {
  readonly target: number
  /** null: not applicable (the contender did not run for this alg or in this runtime). */
  readonly pass: boolean | null
}

export interface HotRow {
  readonly mode: string
  readonly concurrency: number
  readonly alg: string
  /** Medians over the rounds; NaN (null once serialized) where a contender did not run. */
  readonly opsPerSec: Readonly<Record<Contender, number>>
  readonly ratios: { readonly jose: number; readonly floor: number; readonly aws: number }
  readonly floorRatioSpread: number
  readonly targets: Readonly<Record<string, Verdict>>
  readonly samples: Readonly<Record<Contender, readonly number[]>>
}

export interface HotReport {
  readonly runtime: string
  readonly cpus: number | undefined
  readonly rounds: number
  readonly sliceMs: number
  readonly algs: readonly string[]
  /** Timed with crypto.subtle.verify answering at once (the JavaScript around the call only). */
  readonly jsOnly: boolean
  readonly contenders: readonly Contender[]
  readonly joseKeySource: string
  readonly results: readonly HotRow[]
  readonly seconds: number
}

export interface HotOptions {
  /** The SDK's entry module (createVerifier is used). */
  readonly sdk: unknown
  /** jose's entry module (webapi build). */
  readonly jose: unknown
  /** aws-jwt-verify's JwtVerifier class; omitted where it cannot run. */
  readonly JwtVerifier?: unknown
  readonly algs?: readonly string[]
  readonly rounds?: number
  readonly slice?: number
  /** Time the JavaScript around crypto.subtle.verify only: it answers true at once after the checks. */
  readonly jsOnly?: boolean
  readonly log?: (line: string) => void
}

export declare const ALGS: readonly string[]
export declare const CONTENDERS: readonly Contender[]
export declare const MODES: readonly { readonly name: string; readonly concurrency: number }[]
export declare const TARGETS: { readonly jose: number; readonly floor: number; readonly aws: number }
export declare const JOSE_KEY_SOURCE: string
export declare function runtimeName(): string
export declare function runHot(options: HotOptions): Promise<HotReport>
export declare function formatHot(report: HotReport): string
export declare function missedTargets(report: HotReport): string[]
export declare function median(values: readonly number[]): number
export declare function table(header: readonly string[], rows: readonly (readonly unknown[])[], left?: number): string[]
