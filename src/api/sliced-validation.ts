/**
 * Big batches checked against their schema a slice at a time. Fastify validates a body in one call
 * before the handler runs: for 10,000 parcels of 20 goods lines (48 MB) that held the event loop a few
 * hundred ms while every other request waited. A route with a batch field takes {@link batchValidator}:
 * the envelope is checked as usual (the field an array within its bounds), its elements are left for
 * the handler, which checks them with {@link checkSliced} between turns of the loop. The problems are
 * the schema's own (the same paths, the same messages, in the same order) as a 422 naming row and field.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { Turns } from '../store/index.ts';

/** Fastify-type-provider-zod marks its validation entries with this symbol (see `problemFor`). */
const ZOD_VALIDATION = Symbol.for('ZodFastifySchemaValidationError');

/**
 * A body validator for `{ [field]: [...] }` of `min`–`max` elements (and, with `envelope`, the body's
 * other fields, which that schema checks and fills in as the route's own schema would): anything else
 * goes to the route's schema as a whole (its issues as before); a body of that shape passes with its
 * elements unchecked, for {@link checkSliced} in the handler.
 */
export function batchValidator(
  field: string,
  min: number,
  max: number,
  envelope?: z.ZodType,
  // biome-ignore lint/suspicious/noExplicitAny: Fastify types a route's compiler by the route's own schema
): FastifySchemaCompiler<any> {
  return (route) => {
    const bySchema = validatorCompiler(route);
    if (route.httpPart !== 'body') return bySchema;
    return (data: unknown) => {
      const items = (data as Record<string, unknown> | null)?.[field];
      if (!Array.isArray(items) || items.length < min || items.length > max) return bySchema(data);
      if (!envelope) return { value: { [field]: items } };
      const { [field]: _items, ...rest } = data as Record<string, unknown>;
      const outer = envelope.safeParse(rest);
      return outer.success ? { value: { ...(outer.data as object), [field]: items } } : bySchema(data);
    };
  };
}

/**
 * Checks each element of `items` against `schema`, yielding the loop between slices; answers the
 * parsed elements, or throws the 422 validation error the whole schema would have (paths under
 * `field`), every element's issues included.
 */
export async function checkSliced<S extends z.ZodType>(
  items: readonly unknown[],
  schema: S,
  field: string,
): Promise<z.output<S>[]> {
  const turns = new Turns();
  const parsed: z.output<S>[] = new Array(items.length);
  const issues: object[] = [];
  for (let i = 0; i < items.length; i++) {
    if (turns.due) await turns.take();
    const r = schema.safeParse(items[i]);
    if (r.success) parsed[i] = r.data;
    else
      for (const issue of r.error.issues) {
        const { path, code, message, ...params } = issue;
        const full = [field, i, ...path].join('/');
        issues.push({
          [ZOD_VALIDATION]: true,
          keyword: code,
          instancePath: `/${full}`,
          schemaPath: `#/${full}/${code}`,
          message,
          params,
        });
      }
  }
  if (issues.length > 0)
    throw Object.assign(new Error('body validation failed'), {
      statusCode: 400,
      validation: issues,
      validationContext: 'body',
    });
  return parsed;
}
