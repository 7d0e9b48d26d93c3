import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import { type HsIndex, lookupHs, searchHs } from '../hs/index.ts';

/** RFC 9457 problem details as the API sends them (see `problem.ts`). */
export const ProblemView = z
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
  .describe('RFC 9457 problem details (application/problem+json)');

/** The problem responses every authenticated route can give, plus the ones named. */
export function problemResponses<S extends number>(...statuses: S[]) {
  const out: Record<number, typeof ProblemView> = { 401: ProblemView };
  for (const s of statuses) out[s] = ProblemView;
  return out as Record<401 | S, typeof ProblemView>;
}

const SuggestionView = z.object({
  code: z.string().describe('HS 2022 subheading (6 digits) or heading (4)'),
  level: z.union([z.literal(4), z.literal(6)]),
  description: z.string(),
  heading: z.object({ code: z.string(), description: z.string() }),
  chapter: z.object({ code: z.string(), description: z.string() }),
  score: z.number().describe('Ranking score, comparable within one answer only'),
  keywords: z.array(z.string()).describe('Keyword-table terms of the query that point at this code'),
});

const SearchView = z.object({
  query: z.string(),
  edition: z.string(),
  language: z.enum(['en', 'zh', 'mixed', 'none', 'code']),
  words: z.array(z.string()).describe('English words the ranking used'),
  keywords: z.array(z.string()).describe('Keyword-table terms found in the query'),
  results: z.array(SuggestionView),
});

const LookupView = z.object({
  code: z.string(),
  hsCode: z.string(),
  edition: z.string(),
  level: z.union([z.literal(2), z.literal(4), z.literal(6)]),
  description: z.string(),
  nationalExtension: z.string().optional(),
  section: z.object({ id: z.string(), name: z.string() }),
  parents: z.array(
    z.object({
      code: z.string(),
      level: z.union([z.literal(2), z.literal(4), z.literal(6)]),
      description: z.string(),
    }),
  ),
  children: z.array(z.string()),
});

/**
 * Classification help: `GET /v1/hs?q=…` ranks HS 2022 codes for a description (English or Chinese);
 * `GET /v1/hs/{code}` says whether a code exists, what it means and what lies above and below it. Any
 * authenticated role.
 */
export function hsRoutes(index: () => HsIndex): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/hs',
      {
        schema: {
          tags: ['hs'],
          summary: 'Suggest HS 2022 codes for a goods description (English or Chinese)',
          description:
            'Ranks subheadings (level=6, default) or headings (level=4) by BM25F over the HS 2022 texts plus a keyword table of the goods the hub ships. ' +
            'A query that is a code (6109, 8517.13) answers that code and what lies under it. Suggestions for a person to confirm, not rulings.',
          security: [{ apiKey: [] }],
          querystring: z.object({
            q: z.string().trim().min(1).max(300).describe('Product title or goods description'),
            limit: z.coerce.number().int().min(1).max(50).default(10),
            level: z.coerce
              .number()
              .int()
              .refine((l) => l === 4 || l === 6, 'must be 4 (headings) or 6 (subheadings)')
              .default(6),
          }),
          response: { 200: SearchView, ...problemResponses(422) },
        },
      },
      async (request) => {
        const q = request.query;
        const ix = index();
        const r = searchHs(ix, q.q, { limit: q.limit, level: q.level === 4 ? 4 : 6 });
        return {
          query: r.query,
          edition: ix.nomenclature.edition,
          language: r.language,
          words: [...r.words],
          keywords: [...r.keywords],
          results: r.results.map((s) => ({ ...s, keywords: [...s.keywords] })),
        };
      },
    );

    app.get(
      '/v1/hs/:code',
      {
        schema: {
          tags: ['hs'],
          summary: 'Look up an HS 2022 code: does it exist, its description, parents and children',
          description:
            'A chapter (2 digits), heading (4) or subheading (6); a national line of 8 or 10 digits is checked on its first 6. Dots and spaces are ignored. An unknown code answers 404 naming the nearest level that exists.',
          security: [{ apiKey: [] }],
          params: z.object({ code: z.string().min(1).max(20) }),
          response: { 200: LookupView, ...problemResponses(404, 422) },
        },
      },
      async (request) => {
        const ix = index();
        const r = lookupHs(ix.nomenclature, request.params.code);
        if (!r.ok) {
          throw new LandbridgeError(r.kind === 'malformed' ? 'invalid-input' : 'not-found', r.message, [
            { where: { field: 'code' }, why: r.message },
          ]);
        }
        return {
          code: r.code,
          hsCode: r.hsCode,
          edition: ix.nomenclature.edition,
          level: r.level,
          description: r.description,
          ...(r.nationalExtension ? { nationalExtension: r.nationalExtension } : {}),
          section: r.section,
          parents: r.parents.map((p) => ({ ...p })),
          children: [...r.children],
        };
      },
    );
  };
}
