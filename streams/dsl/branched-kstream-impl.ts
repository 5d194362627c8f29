/**
 * `BranchedKStreamImpl`: `KStream#split()` (Kafka Streams' `BranchedKStreamImpl`). The split
 * adds one splitter node (`KSTREAM-BRANCH-<index>`, or the `Named` name) running
 * `KStreamBranch`; each branch adds a pass-through child named `<split name><branch name>`, or
 * `<split name><position>` (1, 2, …; 0 for the default branch). A record goes to the first
 * branch whose predicate accepts it.
 */
import { StreamsError } from '../errors.ts'
import { passThrough } from '../operators/pass-through.ts'
import type { BranchedKStream, BranchedOptions, KStream, Predicate } from './api.ts'
import type { InternalStreamsBuilder, StreamSpec } from './internal-streams-builder.ts'
import type { Named } from './named.ts'
import { KStreamBranch } from './processors/kstream-branch.ts'

export class BranchedKStreamImpl<K, V> implements BranchedKStream<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: StreamSpec<K, V>
  readonly #splitterName: string
  readonly #splitter = new KStreamBranch<K, V>()
  readonly #branches = new Map<string, KStream<K, V>>()
  #done = false

  constructor(builder: InternalStreamsBuilder, spec: StreamSpec<K, V>, named: Named | undefined) {
    this.#builder = builder
    this.#spec = spec
    this.#splitterName = named?.name ?? builder.newProcessorName('KSTREAM-BRANCH-')
    builder.topology.addProcessor(this.#splitterName, this.#splitter.supplier, spec.node)
  }

  branch(predicate: Predicate<K, V>, branched?: BranchedOptions<K, V>): BranchedKStream<K, V> {
    this.#checkOpen()
    if (typeof predicate !== 'function') throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `split ${this.#splitterName}: branch() needs a predicate`)
    this.#splitter.predicates.push(predicate)
    this.#createBranch(branched, this.#splitter.predicates.length)
    return this
  }

  defaultBranch(branched?: BranchedOptions<K, V>): Map<string, KStream<K, V>> {
    this.#checkOpen()
    this.#createBranch(branched, 0)
    this.#done = true
    return this.#branches
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    this.#checkOpen()
    this.#done = true
    return this.#branches
  }

  #checkOpen(): void {
    if (this.#done) throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `split ${this.#splitterName} is complete: no branch can follow defaultBranch() or noDefaultBranch()`)
  }

  #createBranch(branched: BranchedOptions<K, V> | undefined, index: number): void {
    const name = `${this.#splitterName}${branched?.name ?? index}`
    this.#splitter.childNames.push(name)
    // Kafka Streams takes an index for each branch child; so do we, to keep names aligned.
    this.#builder.newProcessorName(name)
    this.#builder.topology.addOperator(name, passThrough(), this.#splitterName)
    const branch = this.#builder.factories.stream(this.#builder, { ...this.#spec, node: name })
    if (branched?.chainFunction) {
      const result = branched.chainFunction(branch)
      if (result !== undefined && result !== null) this.#branches.set(name, result)
    } else if (branched?.chainConsumer) {
      branched.chainConsumer(branch)
    } else {
      this.#branches.set(name, branch)
    }
  }
}
