/**
 * The published JSON Schema (schema/report.schema.json), generated from the zod schemas so the
 * two cannot drift: `npm run generate` writes it, a test checks the checked-in file is up to date.
 */
import { z } from 'zod';
import { DocumentSchema, SCHEMA_VERSION } from './schema.js';

export const SCHEMA_ID = `urn:imgsize:report:${SCHEMA_VERSION}`;

export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(DocumentSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: SCHEMA_ID,
    title: `imgsize report, schemaVersion ${SCHEMA_VERSION}`,
    description: 'What imgsize writes with --json: an image report (with a verdict from imgsize check) or a diff. Sizes are whole bytes; paths start with /; layers are numbered from 1.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}

export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
