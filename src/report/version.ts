/** The report contract's version (report/schema.ts), kept apart so writing a report does not load zod. */
export const SCHEMA_VERSION = 4;
