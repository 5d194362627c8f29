/**
 * `TransformChain`: the single message transforms of a connector, built from its config as Kafka
 * Connect does, then applied to each record in order.
 *
 * ```properties
 * transforms=addSource,onlyOrders
 * transforms.addSource.type=org.apache.kafka.connect.transforms.InsertField$Value
 * transforms.addSource.static.field=source
 * transforms.addSource.static.value=db1
 * transforms.onlyOrders.type=org.apache.kafka.connect.transforms.Filter
 * transforms.onlyOrders.predicate=isOrder
 * transforms.onlyOrders.negate=true
 * predicates=isOrder
 * predicates.isOrder.type=org.apache.kafka.connect.transforms.predicates.TopicNameMatches
 * predicates.isOrder.pattern=orders-.*
 * ```
 *
 * `type` takes Kafka's class names (`org.apache.kafka.connect.transforms.InsertField$Value`,
 * `…transforms.predicates.TopicNameMatches`) or the part after the package (`InsertField$Value`).
 * Each transform and predicate is configured with its keys (prefix stripped); every problem of the
 * whole config (unknown class, missing type, undefined predicate alias, bad keys) is reported in
 * one CONNECT_INVALID_CONFIG error. `apply` returns the transformed record or null when a
 * transform dropped it; a transform that throws becomes a CONNECT_TRANSFORM error naming its
 * alias and the record's topic (the worker's error handling decides whether to skip it).
 */
import type { ConnectRecord } from '../api/records.ts'
import type { Predicate, Transformation } from '../api/transformation.ts'
import { ConnectError } from '../errors.ts'
import { CastKey, CastValue } from './cast.ts'
import { DropHeaders } from './drop-headers.ts'
import { ExtractFieldKey, ExtractFieldValue } from './extract-field.ts'
import { Filter } from './filter.ts'
import { FlattenKey, FlattenValue } from './flatten.ts'
import { HeaderFromKey, HeaderFromValue } from './header-from.ts'
import { HoistFieldKey, HoistFieldValue } from './hoist-field.ts'
import { InsertFieldKey, InsertFieldValue } from './insert-field.ts'
import { InsertHeader } from './insert-header.ts'
import { MaskFieldKey, MaskFieldValue } from './mask-field.ts'
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.ts'
import { RegexRouter } from './regex-router.ts'
import { ReplaceFieldKey, ReplaceFieldValue } from './replace-field.ts'
import { TimestampConverterKey, TimestampConverterValue } from './timestamp-converter.ts'
import { TimestampRouter } from './timestamp-router.ts'
import { ValueToKey } from './value-to-key.ts'

const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms.'
const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates.'

type TransformFactory = () => Transformation
type PredicateFactory = () => Predicate

const TRANSFORMS: ReadonlyMap<string, TransformFactory> = new Map<string, TransformFactory>([
  ['Cast$Key', () => new CastKey()], ['Cast$Value', () => new CastValue()],
  ['DropHeaders', () => new DropHeaders()],
  ['ExtractField$Key', () => new ExtractFieldKey()], ['ExtractField$Value', () => new ExtractFieldValue()],
  ['Filter', () => new Filter()],
  ['Flatten$Key', () => new FlattenKey()], ['Flatten$Value', () => new FlattenValue()],
  ['HeaderFrom$Key', () => new HeaderFromKey()], ['HeaderFrom$Value', () => new HeaderFromValue()],
  ['HoistField$Key', () => new HoistFieldKey()], ['HoistField$Value', () => new HoistFieldValue()],
  ['InsertField$Key', () => new InsertFieldKey()], ['InsertField$Value', () => new InsertFieldValue()],
  ['InsertHeader', () => new InsertHeader()],
  ['MaskField$Key', () => new MaskFieldKey()], ['MaskField$Value', () => new MaskFieldValue()],
  ['RegexRouter', () => new RegexRouter()],
  ['ReplaceField$Key', () => new ReplaceFieldKey()], ['ReplaceField$Value', () => new ReplaceFieldValue()],
  ['TimestampConverter$Key', () => new TimestampConverterKey()], ['TimestampConverter$Value', () => new TimestampConverterValue()],
  ['TimestampRouter', () => new TimestampRouter()],
  ['ValueToKey', () => new ValueToKey()],
])

const PREDICATES: ReadonlyMap<string, PredicateFactory> = new Map<string, PredicateFactory>([
  ['TopicNameMatches', () => new TopicNameMatches()],
  ['HasHeaderKey', () => new HasHeaderKey()],
  ['RecordIsTombstone', () => new RecordIsTombstone()],
])

/** The transform class names accepted (short forms; each also with Kafka's package). */
export const TRANSFORM_NAMES: readonly string[] = Object.freeze([...TRANSFORMS.keys()])
export const PREDICATE_NAMES: readonly string[] = Object.freeze([...PREDICATES.keys()])

function shortName(className: string, pkg: string): string {
  const name = className.trim()
  return name.startsWith(pkg) ? name.slice(pkg.length) : name
}

/** An unconfigured transform for `className`, or undefined when unknown. */
export function transformFor(className: string): Transformation | undefined {
  return TRANSFORMS.get(shortName(className, TRANSFORMS_PACKAGE))?.()
}

/** An unconfigured predicate for `className`, or undefined when unknown. */
export function predicateFor(className: string): Predicate | undefined {
  return PREDICATES.get(shortName(className, PREDICATES_PACKAGE))?.()
}

function list(value: string | undefined): string[] {
  return value === undefined || value.trim() === '' ? [] : value.trim().split(/\s*,\s*/)
}

function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(props)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value
  return out
}

export interface TransformStage<R extends ConnectRecord = ConnectRecord> {
  readonly alias: string
  readonly type: string
  readonly transform: Transformation<R>
  readonly predicate: { readonly alias: string; readonly predicate: Predicate<R> } | null
  readonly negate: boolean
}

export class TransformChain<R extends ConnectRecord = ConnectRecord> {
  readonly stages: readonly TransformStage<R>[]

  constructor(stages: readonly TransformStage<R>[]) {
    this.stages = stages
  }

  /** The chain a connector config describes (`transforms`, `transforms.<alias>.*`, `predicates`, `predicates.<alias>.*`). */
  static fromConfig<R extends ConnectRecord = ConnectRecord>(props: Readonly<Record<string, string>>, connector?: string): TransformChain<R> {
    const problems: string[] = []
    const predicates = new Map<string, Predicate<R>>()
    for (const alias of new Set(list(props.predicates))) {
      const type = props[`predicates.${alias}.type`]
      if (type === undefined || type.trim() === '') {
        problems.push(`Missing required configuration "predicates.${alias}.type" which has no default value.`)
        continue
      }
      const predicate = predicateFor(type) as Predicate<R> | undefined
      if (predicate === undefined) {
        problems.push(`Invalid value ${type} for configuration predicates.${alias}.type: unknown predicate; use one of ${PREDICATE_NAMES.join(', ')}`)
        continue
      }
      try {
        predicate.configure(withPrefix(props, `predicates.${alias}.`))
        predicates.set(alias, predicate)
      } catch (error) {
        problems.push(`predicates.${alias}: ${(error as Error).message}`)
      }
    }
    const stages: TransformStage<R>[] = []
    const aliases = list(props.transforms)
    if (new Set(aliases).size !== aliases.length) problems.push(`Invalid value ${props.transforms} for configuration transforms: Duplicate alias provided.`)
    for (const alias of new Set(aliases)) {
      const prefix = `transforms.${alias}.`
      const type = props[`${prefix}type`]
      if (type === undefined || type.trim() === '') {
        problems.push(`Missing required configuration "${prefix}type" which has no default value.`)
        continue
      }
      const transform = transformFor(type) as Transformation<R> | undefined
      if (transform === undefined) {
        problems.push(`Invalid value ${type} for configuration ${prefix}type: unknown transform; use one of ${TRANSFORM_NAMES.join(', ')}`)
        continue
      }
      const predicateAlias = props[`${prefix}predicate`]?.trim()
      let predicate: TransformStage<R>['predicate'] = null
      if (predicateAlias !== undefined && predicateAlias !== '') {
        const found = predicates.get(predicateAlias)
        if (found === undefined) {
          if (!list(props.predicates).includes(predicateAlias)) {
            problems.push(`Invalid value ${predicateAlias} for configuration ${prefix}predicate: no predicate with this alias is listed in "predicates"`)
          }
          continue
        }
        predicate = { alias: predicateAlias, predicate: found }
      }
      const negateText = props[`${prefix}negate`]?.trim().toLowerCase()
      if (negateText !== undefined && negateText !== 'true' && negateText !== 'false') {
        problems.push(`Invalid value ${negateText} for configuration ${prefix}negate: Expected value to be either true or false`)
      }
      try {
        transform.configure(withPrefix(props, prefix))
      } catch (error) {
        problems.push(`transforms.${alias}: ${(error as Error).message}`)
        continue
      }
      stages.push({ alias, type: type.trim(), transform, predicate, negate: negateText === 'true' })
    }
    if (problems.length > 0) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `${connector === undefined ? 'Connector' : `Connector ${connector}`}: invalid transforms configuration: ${problems.join('; ')}`)
    }
    return new TransformChain(stages)
  }

  /** The record after every stage, or null when a stage dropped it. */
  apply(record: R): R | null {
    let current: R = record
    for (const stage of this.stages) {
      let next: R | null
      try {
        if (stage.predicate !== null && stage.predicate.predicate.test(current) === stage.negate) continue
        next = stage.transform.apply(current)
      } catch (error) {
        throw new ConnectError('CONNECT_TRANSFORM', `Transform "${stage.alias}" (${stage.type}) failed on a record of topic ${current.topic}: ${(error as Error).message}`, { cause: error })
      }
      if (next === null) return null
      current = next
    }
    return current
  }

  close(): void {
    for (const stage of this.stages) stage.transform.close?.()
    for (const predicate of new Set(this.stages.map((s) => s.predicate?.predicate))) predicate?.close?.()
  }
}
