/** The workload simulator of `cluster` spaces: see simulator.ts; the pure decisions live in model/. */
export { WorkloadSimulator } from './simulator.js';
export type { SimulatorOptions } from './options.js';
