/**
 * `Branched`: options of one branch of `KStream#split()` (Kafka Streams' `Branched`). A
 * branch's name is the split's name (`Named`, default `KSTREAM-BRANCH-<index>`) followed by the
 * branch's name, or by its position (1, 2, …; 0 for the default branch) when it has none; the
 * branch node and the key of the returned map are that name.
 *
 * ```ts
 * const branches = stream.split(Named.as('route-'))
 *   .branch((_k, v) => v.priority === 'high', Branched.as('high'))      // 'route-high'
 *   .branch((_k, v) => v.priority === 'low', Branched.withConsumer((s) => s.to('low')))
 *   .defaultBranch(Branched.as('other'))                                 // 'route-other'
 * ```
 */
import type { BranchedOptions, KStream } from './api.ts'
import { validateName } from './named.ts'

export type Branched<K, V> = BranchedOptions<K, V>

function branchName(name: string | undefined): string | null {
  return name === undefined ? null : validateName(name, 'branch')
}

export const Branched = Object.freeze({
  /** A branch named `name` (appended to the split's name). */
  as<K = any, V = any>(name: string): Branched<K, V> {
    return Object.freeze({ name: branchName(name), chainFunction: null, chainConsumer: null })
  },
  /** Builds on the branch with `chain`; what it returns (unless void) is put in the result map. */
  withFunction<K = any, V = any>(chain: (branch: KStream<K, V>) => KStream<K, V> | void, name?: string): Branched<K, V> {
    return Object.freeze({ name: branchName(name), chainFunction: chain, chainConsumer: null })
  },
  /** Hands the branch to `chain`; the branch is not put in the result map. */
  withConsumer<K = any, V = any>(chain: (branch: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return Object.freeze({ name: branchName(name), chainFunction: null, chainConsumer: chain })
  },
})
