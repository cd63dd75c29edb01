/** sql.js ships no types: what rpm.ts uses of it. */
declare module 'sql.js' {
  const init: (options?: { wasmBinary?: Uint8Array }) => Promise<unknown>;
  export default init;
}
