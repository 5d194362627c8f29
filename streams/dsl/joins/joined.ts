/**
 * `Joined`: options of a KStream–KTable join (Kafka Streams' `Joined`): the serdes of the
 * stream's key and value (used when the stream is repartitioned before the join) and of the
 * table's value, and a name for the join node (which also names that repartition topic:
 * `<name>-repartition`). Immutable.
 *
 * ```ts
 * orders.join(customers, (order, customer) => ({ ...order, customer }), Joined.with(serdes.string(), orderSerde, customerSerde))
 * ```
 *
 * Not supported: Kafka's `withGracePeriod` (KIP-923), which needs a versioned table store; the
 * table side is always looked up at its latest value.
 */
import type { Serde } from '../../../serdes/index.ts'
import { validateName } from '../named.ts'

interface JoinedFields<K, V, VO> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly otherValueSerde: Serde<VO> | null
  readonly name: string | null
}

export class Joined<K = any, V = any, VO = any> implements JoinedFields<K, V, VO> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly otherValueSerde: Serde<VO> | null
  readonly name: string | null

  private constructor(fields: JoinedFields<K, V, VO>) {
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.otherValueSerde = fields.otherValueSerde
    this.name = fields.name
  }

  static with<K, V, VO>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, otherValueSerde: Serde<VO> | null, name?: string): Joined<K, V, VO> {
    return new Joined({ keySerde, valueSerde, otherValueSerde, name: name === undefined ? null : validateName(name, 'join') })
  }

  static as<K = any, V = any, VO = any>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>({ keySerde: null, valueSerde: null, otherValueSerde: null, name: validateName(name, 'join') })
  }

  static keySerde<K>(keySerde: Serde<K>): Joined<K, any, any> {
    return Joined.with(keySerde, null, null)
  }

  static valueSerde<V>(valueSerde: Serde<V>): Joined<any, V, any> {
    return Joined.with(null, valueSerde, null)
  }

  static otherValueSerde<VO>(otherValueSerde: Serde<VO>): Joined<any, any, VO> {
    return Joined.with(null, null, otherValueSerde)
  }

  withKeySerde(keySerde: Serde<K>): Joined<K, V, VO> {
    return new Joined({ ...this.#fields(), keySerde })
  }

  withValueSerde(valueSerde: Serde<V>): Joined<K, V, VO> {
    return new Joined({ ...this.#fields(), valueSerde })
  }

  withOtherValueSerde(otherValueSerde: Serde<VO>): Joined<K, V, VO> {
    return new Joined({ ...this.#fields(), otherValueSerde })
  }

  withName(name: string): Joined<K, V, VO> {
    return new Joined({ ...this.#fields(), name: validateName(name, 'join') })
  }

  #fields(): JoinedFields<K, V, VO> {
    return { keySerde: this.keySerde, valueSerde: this.valueSerde, otherValueSerde: this.otherValueSerde, name: this.name }
  }
}
