/** The queue names of Landbridge's jobs. */
export const JOB_NAMES = {
  plan: 'plan',
  customsExchange: 'customs-exchange',
  reconcilePlans: 'reconcile-plans',
  journey: 'journey',
} as const;
