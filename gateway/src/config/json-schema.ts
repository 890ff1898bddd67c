import { z } from 'zod';
import { RouteTableSchema } from './schema';

/** The JSON Schema that editors use for routes.json, generated from the zod schema (input side, so defaults are optional). */
export function routesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RouteTableSchema, { io: 'input' }),
    $id: 'https://strangler.dev/schemas/routes.schema.json',
    title: 'strangler route table',
  };
}

export function routesJsonSchemaText(): string {
  return JSON.stringify(routesJsonSchema(), null, 2) + '\n';
}
