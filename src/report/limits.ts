/** The contract's own limits (values, not schemas: the hot path imports them without zod). */

/** Nodes the report's tree holds unless told otherwise (a ~5k-node treemap draws in a blink). */
export const TREE_NODES = 5000;
/** The most nodes a tree may be asked for. */
export const MAX_TREE_NODES = 100_000;
