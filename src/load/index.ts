/**
 * Container loading: 3D load plans for one container or many (orientations, payload, support,
 * stacking), an independent checker, and a reader of the BR benchmark files (thpack format).
 */
export { answerLoad, type LoadAnswer, type LoadAsk } from './answer.ts';
export {
  checkLoadPlan,
  LOAD_PROBLEM_REASONS,
  type LoadCheck,
  type LoadProblem,
  type LoadProblemReason,
} from './check.ts';
export { containerOf, loadBoxOf } from './inputs.ts';
export { DEFAULT_TIME_LIMIT_MS, loadContainer } from './load-container.ts';
export { fitsContainer, loadContainers, type MultiLoadPlan } from './load-containers.ts';
export { parseThpack, type ThpackBoxType, type ThpackProblem, thpackToLoadRequest } from './thpack.ts';
export * from './types.ts';
