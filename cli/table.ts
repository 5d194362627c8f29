/**
 * Plain aligned text for humans: columns padded with spaces, numbers right-aligned, no colours
 * or box drawing, so the output reads in a terminal and greps well in a pipe.
 */

export type Cell = string | number | undefined | null

/** Formats rows under a header; `undefined` and `null` cells print as `-`, as Kafka's tools do. */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => header.map((_, i) => cellText(row[i])))
  const numeric = header.map((_, i) =>
    rows.some((row) => typeof row[i] === 'number') && rows.every((row) => typeof row[i] === 'number' || row[i] == null))
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => row[i].length)))
  // Numbers (and their headers) are right-aligned so that digits line up.
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()
  return [line(header), ...text.map(line)].join('\n') + '\n'
}

/** `key: value` lines with the values aligned. */
export function fields(entries: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(0, ...entries.map(([key]) => key.length + 1))
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width)} ${cellText(value)}`.trimEnd()).join('\n') + '\n'
}

function cellText(cell: Cell): string {
  return cell === undefined || cell === null ? '-' : String(cell)
}
