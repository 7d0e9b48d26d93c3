/**
 * The sample Chongqing hub that `npm start` serves: the sample network in force, demo sellers, a day of
 * generated parcels, and fresh demo API keys.
 */

export { fileSamplePlan, type SampleCustomsResult } from './customs.ts';
export { prepareSampleHub, type SampleHub, type SampleOptions } from './prepare.ts';
