/**
 * The sample Chongqing hub that `npm start` serves: the sample network in force, demo sellers, a day of
 * generated parcels, and fresh demo API keys.
 */

export { AIR_HUB_ID, airHubNetwork } from './air-hub.ts';
export { fileSamplePlan, type SampleCustomsResult } from './customs.ts';
export { prepareSampleMonth } from './month.ts';
export { prepareSampleHub, type SampleHub, type SampleOptions } from './prepare.ts';
