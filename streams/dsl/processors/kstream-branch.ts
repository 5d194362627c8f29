/**
 * `KStreamBranch`: the splitter node of `KStream#split()` (Kafka Streams' `KStreamBranch`):
 * forwards each record to the child of the first predicate that accepts it, else to the
 * default branch when there is one, else nowhere. The lists grow as branches are added, before
 * the topology runs.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Predicate } from '../api.ts'

export class KStreamBranch<K, V> {
  readonly predicates: Predicate<K, V>[] = []
  /** One child per predicate, then the default branch's, if any. */
  readonly childNames: string[] = []

  readonly supplier = (): Processor<K, V, K, V> => new KStreamBranchProcessor(this)
}

class KStreamBranchProcessor<K, V> implements Processor<K, V, K, V> {
  readonly #def: KStreamBranch<K, V>
  #context!: ProcessorContext<K, V>

  constructor(def: KStreamBranch<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, V>): void {
    this.#context = context
  }

  process(record: StreamRecord<K, V>): void {
    const { predicates, childNames } = this.#def
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i](record.key, record.value)) {
        this.#context.forward(record, childNames[i])
        return
      }
    }
    if (childNames.length > predicates.length) this.#context.forward(record, childNames[predicates.length])
  }
}
