// Types for sdk.mjs. dist/ exists only after `npm run build`, and `npm test` type-checks before it builds, so the
// runners are typed against the sources of the same entry; test/package/ checks the published .d.ts itself.
export * from '../../src/index.ts'
