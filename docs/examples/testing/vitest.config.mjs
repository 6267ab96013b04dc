// This folder stands for an application's own test suite, with its own vitest configuration.
export default { test: { include: ['*.test.mjs'] } }
