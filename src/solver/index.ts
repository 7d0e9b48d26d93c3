/**
 * HiGHS (WebAssembly, npm `highs`) behind the planner's `MipSolver` interface: a fresh native model
 * per solve, the model passed as sparse arrays (no LP text), time and gap limits, and the MIP dual
 * bound read back as the plan's lower bound.
 */
export { createHighsSolver } from './highs.ts';
