/** Shared output helpers for benchmarks. */

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** Prints the final machine-readable line. */
export function report(bench: string, metrics: Record<string, number>): void {
  const rounded: Record<string, number> = {}
  for (const [k, v] of Object.entries(metrics)) rounded[k] = Math.round(v * 1000) / 1000
  console.log(JSON.stringify({ bench, metrics: rounded }))
}
