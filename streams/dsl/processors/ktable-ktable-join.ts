/**
 * `KTableKTableJoin`: one side of a KTable–KTable join (Kafka Streams' `KTableKTableInnerJoin`,
 * `KTableKTableLeftJoin`, `KTableKTableRightJoin`, `KTableKTableOuterJoin`). Each table has one
 * such node under it; an update of either side triggers output. The node looks up the other
 * table's current row (its value getter) and forwards the joined `Change`:
 *
 * | kind  | other row missing                                  | new value                     |
 * |-------|----------------------------------------------------|-------------------------------|
 * | inner | nothing                                            | joiner(new, other) or null    |
 * | left  | nothing if the change is null → null, else joined with null | joiner(new, other) or null |
 * | right | nothing (this is the right side of a left join)    | joiner(new, other), new may be null |
 * | outer | nothing if the change is null → null               | joiner(new, other) unless both null |
 *
 * A null new value is a deletion (tombstone) downstream, so deleting a row that was joined
 * deletes the join result. The old value is joined the same way when old values are sent.
 * The result's timestamp is the larger of the two rows' (the other's when it exists).
 * `left` (this side of a left join) and `outer` sides need their own table's old values: the
 * DSL enables them (Kafka's `enableSendingOldValues(true)`). Records with a null key are dropped.
 *
 * `valueGetterSupplier` is the join's view (Kafka's `view()`): the joined row computed from
 * both tables' getters, so a join result can be joined again without a store of its own.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { withTimestamp, withValue } from '../../processor/records.ts'
import type { ValueJoiner } from '../api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import type { KTableValueGetter, KTableValueGetterSupplier } from '../joins/value-getter.ts'
import { ValueAndTimestamp } from '../value-and-timestamp.ts'

export type TableJoinSide = 'inner' | 'left' | 'right' | 'outer'

/** The tables whose old values a join side needs (both, when its output needs old values). */
export interface JoinParents {
  readonly self: TableNodeControl
  readonly other: TableNodeControl
}

export class KTableKTableJoin<K, V1, V2, VR> implements TableNodeControl {
  sendOldValues = false
  readonly side: TableJoinSide
  readonly parents: JoinParents
  /** This side's table (for the view) and the other side's (looked up on each update). */
  readonly getter1: KTableValueGetterSupplier<K, V1>
  readonly getter2: KTableValueGetterSupplier<K, V2>
  readonly joiner: ValueJoiner<V1 | null, V2 | null, VR, K>

  constructor(
    side: TableJoinSide, parents: JoinParents, getter1: KTableValueGetterSupplier<K, V1>, getter2: KTableValueGetterSupplier<K, V2>,
    joiner: ValueJoiner<V1 | null, V2 | null, VR, K>,
  ) {
    this.side = side
    this.parents = parents
    this.getter1 = getter1
    this.getter2 = getter2
    this.joiner = joiner
  }

  enableSendingOldValues(): void {
    this.parents.self.enableSendingOldValues()
    this.parents.other.enableSendingOldValues()
    this.sendOldValues = true
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, VR> {
    return {
      storeNames: () => [...new Set([...this.getter1.storeNames(), ...this.getter2.storeNames()])],
      get: () => new JoinViewGetter(this, this.getter1.get(), this.getter2.get()),
    }
  }

  readonly supplier = (): Processor<K, Change<V1>, K, Change<VR>> => new KTableKTableJoinProcessor(this, this.getter2.get())
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined
}

class KTableKTableJoinProcessor<K, V1, V2, VR> implements Processor<K, Change<V1>, K, Change<VR>> {
  readonly #def: KTableKTableJoin<K, V1, V2, VR>
  readonly #other: KTableValueGetter<K, V2>
  #context!: ProcessorContext<K, Change<VR>>

  constructor(def: KTableKTableJoin<K, V1, V2, VR>, other: KTableValueGetter<K, V2>) {
    this.#def = def
    this.#other = other
  }

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.#context = context
    this.#other.init(context as ProcessorContext<unknown, unknown>)
  }

  process(record: StreamRecord<K, Change<V1>>): void {
    const { key } = record
    if (isNull(key)) return
    const def = this.#def
    const { newValue: thisNew, oldValue: thisOld } = record.value
    const otherRow = this.#other.get(key)
    const other = otherRow === null ? null : otherRow.value
    const sendOld = def.sendOldValues
    const joiner = def.joiner
    let newValue: VR | null = null
    let oldValue: VR | null = null
    let timestamp = record.timestamp
    if (otherRow !== null && otherRow.timestamp > timestamp) timestamp = otherRow.timestamp
    switch (def.side) {
      case 'inner':
        if (otherRow === null) return
        if (thisNew !== null) newValue = joiner(thisNew, other, key)
        if (sendOld && thisOld !== null) oldValue = joiner(thisOld, other, key)
        break
      case 'left':
        if (otherRow === null && thisNew === null && thisOld === null) return
        if (thisNew !== null) newValue = joiner(thisNew, other, key)
        if (sendOld && thisOld !== null) oldValue = joiner(thisOld, other, key)
        break
      case 'right':
        if (otherRow === null) return
        newValue = joiner(thisNew, other, key)
        if (sendOld) oldValue = joiner(thisOld, other, key)
        break
      case 'outer':
        if (otherRow === null && thisNew === null && thisOld === null) return
        if (otherRow !== null || thisNew !== null) newValue = joiner(thisNew, other, key)
        if (sendOld && (otherRow !== null || thisOld !== null)) oldValue = joiner(thisOld, other, key)
        break
    }
    this.#context.forward(withTimestamp(withValue(record, change(newValue, oldValue)), timestamp))
  }
}

/** The joined row of a key, from both tables' current rows. */
class JoinViewGetter<K, V1, V2, VR> implements KTableValueGetter<K, VR> {
  readonly #def: KTableKTableJoin<K, V1, V2, VR>
  readonly #getter1: KTableValueGetter<K, V1>
  readonly #getter2: KTableValueGetter<K, V2>

  constructor(def: KTableKTableJoin<K, V1, V2, VR>, getter1: KTableValueGetter<K, V1>, getter2: KTableValueGetter<K, V2>) {
    this.#def = def
    this.#getter1 = getter1
    this.#getter2 = getter2
  }

  init(context: ProcessorContext<unknown, unknown>): void {
    this.#getter1.init(context)
    this.#getter2.init(context)
  }

  get(key: K): ValueAndTimestamp<VR> | null {
    const row1 = this.#getter1.get(key)
    const row2 = this.#getter2.get(key)
    const side = this.#def.side
    const required1 = side === 'inner' || side === 'left'
    const required2 = side === 'inner' || side === 'right'
    if ((required1 && row1 === null) || (required2 && row2 === null) || (row1 === null && row2 === null)) return null
    const value = this.#def.joiner(row1 === null ? null : row1.value, row2 === null ? null : row2.value, key)
    if (isNull(value)) return null
    return ValueAndTimestamp.make(value, Math.max(row1 === null ? -1 : row1.timestamp, row2 === null ? -1 : row2.timestamp))
  }
}
