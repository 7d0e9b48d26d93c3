import { z } from 'zod';

/** RFC 9457 problem details as every error of the API answers them (`problem.ts`). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
    problems: z
      .array(
        z.object({
          where: z.object({
            file: z.string().optional(),
            row: z.number().int().optional(),
            field: z.string().optional(),
          }),
          why: z.string(),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details; `problems` names the row and field of each');

/** The problem responses of a route, by status: 401 always (a key is needed), and those given. */
export function problemResponses<S extends number>(...statuses: S[]): Record<401 | S, typeof ProblemSchema> {
  const out: Record<number, typeof ProblemSchema> = { 401: ProblemSchema };
  for (const s of statuses) out[s] = ProblemSchema;
  return out as Record<401 | S, typeof ProblemSchema>;
}
