// Entry of a worker thread that computes DDP import charges for part of a plan: registers tsx, then
// loads the TypeScript that computes.
import { register } from 'tsx/esm/api';

register();
await import('./plan-helper-worker.ts');
