/** A unified diff that appends lines to a file (`git apply` and `patch -p1` take it); undefined `existing`: the file is new. */
export function appendPatch(file: string, existing: string | undefined, add: readonly string[]): string {
  if (existing === undefined || existing === '') {
    return [existing === undefined ? '--- /dev/null' : `--- a/${file}`, `+++ b/${file}`, `@@ -0,0 +1,${add.length} @@`, ...add.map((l) => `+${l}`), ''].join('\n');
  }
  const old = existing.endsWith('\n') ? existing.slice(0, -1).split('\n') : existing.split('\n');
  const ctx = old.slice(-3);
  const start = old.length - ctx.length + 1;
  const noNewline = !existing.endsWith('\n');
  return [
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${start},${ctx.length} +${start},${ctx.length + add.length} @@`,
    ...ctx.slice(0, -1).map((l) => ` ${l}`),
    ...(noNewline ? [`-${ctx[ctx.length - 1]}`, '\\ No newline at end of file', `+${ctx[ctx.length - 1]}`] : [` ${ctx[ctx.length - 1]}`]),
    ...add.map((l) => `+${l}`),
    '',
  ].join('\n');
}
