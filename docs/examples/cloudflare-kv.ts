// Stands for your copy of examples/stores/cloudflare-kv.ts (the adapter is an example, not part of the
// package): copy that file next to your worker.
export * from '../../examples/stores/cloudflare-kv.ts'
