/**
 * `StreamJoined`: options of a stream–stream join (Kafka Streams' `StreamJoined`): serdes of
 * the key and both values (for the window stores and for repartitioning), a name for the
 * join's processors and repartition topics, a base name for its stores, store suppliers, and
 * whether the stores are changelogged. Immutable.
 *
 * Store names: `<storeName>-this-join` / `<storeName>-other-join` (`-outer-this-join`,
 * `-outer-other-join` on the outer sides) and `<storeName>-outer-shared-join` for the store of
 * not-yet-joined records, else generated (`KSTREAM-JOINTHIS-0000000004-store`, …).
 */
import type { Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'
import type { WindowBytesStoreSupplier } from '../../state/window-stores.ts'
import { validateName } from '../named.ts'

interface StreamJoinedFields<K, V, VO> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly otherValueSerde: Serde<VO> | null
  readonly name: string | null
  readonly storeName: string | null
  readonly thisStoreSupplier: WindowBytesStoreSupplier | null
  readonly otherStoreSupplier: WindowBytesStoreSupplier | null
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>
}

const DEFAULTS: StreamJoinedFields<any, any, any> = {
  keySerde: null, valueSerde: null, otherValueSerde: null, name: null, storeName: null, thisStoreSupplier: null, otherStoreSupplier: null,
  loggingEnabled: true, logConfig: Object.freeze({}),
}

function supplier(value: unknown, what: string): WindowBytesStoreSupplier {
  const candidate = value as Partial<WindowBytesStoreSupplier> | null
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.name !== 'string' || typeof candidate.retainDuplicates !== 'boolean') {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `StreamJoined ${what} needs a window store supplier (Stores.persistentWindowStore or Stores.inMemoryWindowStore)`)
  }
  return candidate as WindowBytesStoreSupplier
}

export class StreamJoined<K = any, V = any, VO = any> implements StreamJoinedFields<K, V, VO> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly otherValueSerde: Serde<VO> | null
  readonly name: string | null
  readonly storeName: string | null
  readonly thisStoreSupplier: WindowBytesStoreSupplier | null
  readonly otherStoreSupplier: WindowBytesStoreSupplier | null
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>

  private constructor(fields: StreamJoinedFields<K, V, VO>) {
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.otherValueSerde = fields.otherValueSerde
    this.name = fields.name
    this.storeName = fields.storeName
    this.thisStoreSupplier = fields.thisStoreSupplier
    this.otherStoreSupplier = fields.otherStoreSupplier
    this.loggingEnabled = fields.loggingEnabled
    this.logConfig = fields.logConfig
  }

  static with<K, V, VO>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, otherValueSerde: Serde<VO> | null): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({ ...DEFAULTS, keySerde, valueSerde, otherValueSerde })
  }

  /** Stores named after `storeName` (see the module comment). */
  static as<K = any, V = any, VO = any>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({ ...DEFAULTS, storeName: validateName(storeName, 'store') })
  }

  static withStoreSuppliers<K = any, V = any, VO = any>(thisStoreSupplier: WindowBytesStoreSupplier, otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>({
      ...DEFAULTS, thisStoreSupplier: supplier(thisStoreSupplier, 'this store'), otherStoreSupplier: supplier(otherStoreSupplier, 'other store'),
    })
  }

  withName(name: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), name: validateName(name, 'join') })
  }

  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), storeName: validateName(storeName, 'store') })
  }

  withKeySerde(keySerde: Serde<K>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), keySerde })
  }

  withValueSerde(valueSerde: Serde<V>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), valueSerde })
  }

  withOtherValueSerde(otherValueSerde: Serde<VO>): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), otherValueSerde })
  }

  withThisStoreSupplier(thisStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), thisStoreSupplier: supplier(thisStoreSupplier, 'this store') })
  }

  withOtherStoreSupplier(otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), otherStoreSupplier: supplier(otherStoreSupplier, 'other store') })
  }

  withLoggingEnabled(config: Record<string, string> = {}): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), loggingEnabled: true, logConfig: Object.freeze({ ...config }) })
  }

  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return new StreamJoined({ ...this.#fields(), loggingEnabled: false, logConfig: Object.freeze({}) })
  }

  #fields(): StreamJoinedFields<K, V, VO> {
    return {
      keySerde: this.keySerde, valueSerde: this.valueSerde, otherValueSerde: this.otherValueSerde, name: this.name, storeName: this.storeName,
      thisStoreSupplier: this.thisStoreSupplier, otherStoreSupplier: this.otherStoreSupplier, loggingEnabled: this.loggingEnabled, logConfig: this.logConfig,
    }
  }
}
