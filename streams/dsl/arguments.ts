/** Parsing of the DSL's optional `(named?, materialized?)` arguments. */
import { Named } from './named.ts'

/** Splits `(named, materialized?)` or `(materialized?)`. */
export function namedAndMaterialized<M>(args: readonly unknown[]): [Named | undefined, M | undefined] {
  if (args[0] instanceof Named) return [args[0], args[1] as M | undefined]
  return [undefined, args[0] as M | undefined]
}
