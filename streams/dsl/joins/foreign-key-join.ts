/**
 * `KTable#join/leftJoin(other, foreignKeyExtractor, joiner, TableJoined?, Materialized?)`: the
 * foreign-key join (KIP-213; Kafka Streams' `KTableImpl.doJoinOnForeignKey`). Each row of this
 * (primary) table joins the row of `other` whose key is `foreignKeyExtractor(value, key)`.
 *
 * The tables need not be co-partitioned: subscriptions go, keyed by foreign key, through
 * `<applicationId>-<name>-subscription-registration-topic` to the foreign table's tasks (the
 * subscription store remembers who subscribed to which foreign key); answers come back, keyed
 * by primary key and sent to the primary row's partition, through
 * `<applicationId>-<name>-subscription-response-topic`. Each topic is co-partitioned with the
 * table it feeds. Answers computed for an older version of a primary row are discarded (the
 * row's value hash travels with the subscription), so a foreign-key change never lets an old
 * foreign row win. See the processors in `processors/foreign-key-join-*.ts`.
 *
 * Names, as Kafka Streams: with `TableJoined.as(name)`, `<name>-subscription-registration-…`,
 * `<name>-subscription-store`, `<name>-subscription-receive`, `<name>-subscription-join-foreign`,
 * `<name>-foreign-join-subscription`, `<name>-subscription-response-…`, `<name>-result`;
 * otherwise generated `KTABLE-FK-JOIN-…` names. The result is a table (materialized with a
 * `Materialized` name; store `KTABLE-FK-JOIN-OUTPUT-STATE-STORE-…` otherwise).
 */
import { bytesSerde } from '../../../serdes/index.ts'
import { Stores } from '../../state/stores.ts'
import type { StreamPartitioner } from '../../topology/node-options.ts'
import type { KTable, ValueJoiner } from '../api.ts'
import type { InternalStreamsBuilder, TableSpec } from '../internal-streams-builder.ts'
import { keyValueStoreFor, storeNameFor } from '../materialize.ts'
import type { Materialized } from '../materialized.ts'
import { ResponseJoin } from '../processors/foreign-key-join-response.ts'
import { ForeignTableJoin, SubscriptionJoin, SubscriptionReceive, SubscriptionSend } from '../processors/foreign-key-join-subscription.ts'
import {
  CombinedKeySchema, ResolvableSerde, type SubscriptionResponseWrapper, SubscriptionResponseWrapperSerde, type SubscriptionWrapper,
  SubscriptionWrapperSerde,
} from '../processors/foreign-key-join-wrappers.ts'
import { KTableSource } from '../processors/ktable-source.ts'
import { ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import { copartition } from './copartition.ts'
import type { TableJoined } from './table-joined.ts'
import { valueGetterSupplierOf } from './value-getter.ts'

const FK_JOIN = 'KTABLE-FK-JOIN-'
const TOPIC_SUFFIX = '-topic'

export function foreignKeyJoin(
  builder: InternalStreamsBuilder, spec: TableSpec<any, any>, other: TableSpec<any, any>, extractor: (value: any, key: any) => any,
  joiner: ValueJoiner<any, any, any>, tableJoined: TableJoined | undefined, materialized: Materialized | undefined, leftJoin: boolean,
): KTable<any, any> {
  const topology = builder.topology
  const name = tableJoined?.name ?? null
  const named = (suffix: string, prefix: string): string => (name === null ? builder.newProcessorName(prefix) : `${name}${suffix}`)

  // Old values of the foreign table spare needless scans (Kafka); this table's are needed to unsubscribe.
  other.control.enableSendingOldValues()
  spec.control.enableSendingOldValues()

  const subscriptionTopic = `${named('-subscription-registration', `${FK_JOIN}SUBSCRIPTION-REGISTRATION-`)}${TOPIC_SUFFIX}`
  topology.addInternalTopic(subscriptionTopic)
  const primaryKeySerde = new ResolvableSerde<unknown>(spec.keySerde, 'primary key')
  const foreignKeySerde = new ResolvableSerde<unknown>(other.keySerde, 'foreign key')
  const valueSerde = new ResolvableSerde<unknown>(spec.valueSerde, 'primary value')
  const foreignValueSerde = new ResolvableSerde<unknown>(other.valueSerde, 'foreign value')
  const subscriptionSerde = new SubscriptionWrapperSerde<unknown>(primaryKeySerde)
  const responseSerde = new SubscriptionResponseWrapperSerde<unknown>(foreignValueSerde)
  const keySchema = new CombinedKeySchema<unknown, unknown>(foreignKeySerde, primaryKeySerde, subscriptionTopic)

  // Primary table → registration topic.
  const sendName = named('-subscription-registration-processor', `${FK_JOIN}SUBSCRIPTION-REGISTRATION-`)
  const send = new SubscriptionSend<unknown, unknown, unknown>(extractor, foreignKeySerde, valueSerde, subscriptionTopic, leftJoin)
  topology.addProcessor(sendName, send.supplier, spec.node)
  const otherPartitioner = tableJoined?.otherPartitioner ?? null
  const subscriptionPartitioner: StreamPartitioner<unknown, SubscriptionWrapper<unknown>> | undefined = otherPartitioner === null
    ? undefined
    : (topic, key, _value, partitions) => otherPartitioner(topic, key, null, partitions)
  const subscriptionSinkName = named('-subscription-registration-sink', 'KSTREAM-SINK-')
  topology.addSink(subscriptionSinkName, subscriptionTopic, { keySerde: foreignKeySerde, valueSerde: subscriptionSerde, partitioner: subscriptionPartitioner }, sendName)
  const subscriptionSourceName = named('-subscription-registration-source', 'KSTREAM-SOURCE-')
  topology.addSource(subscriptionSourceName, { topics: [subscriptionTopic], keySerde: foreignKeySerde, valueSerde: subscriptionSerde })
  copartition(builder, other.sourceNodes, [subscriptionSourceName])

  // Foreign table's tasks: the subscription store, and both ways of answering.
  const storeName = named('-subscription-store', `${FK_JOIN}SUBSCRIPTION-STATE-STORE-`)
  const storeValueSerde = new ValueAndTimestampSerde<SubscriptionWrapper<unknown>>(subscriptionSerde)
  const subscriptionStore = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), bytesSerde(), storeValueSerde)
  const storeRef = { name: storeName, valueSerde: storeValueSerde }
  const receiveName = named('-subscription-receive', `${FK_JOIN}SUBSCRIPTION-PROCESSOR-`)
  topology.addProcessor(receiveName, new SubscriptionReceive(storeRef, keySchema).supplier, subscriptionSourceName)
  topology.addStateStore(subscriptionStore, receiveName).markTimestampedStore(storeName)

  const foreignValues = valueGetterSupplierOf<unknown, unknown>(other.control, other.node)
  const joinForeignName = named('-subscription-join-foreign', `${FK_JOIN}SUBSCRIPTION-PROCESSOR-`)
  topology.addProcessor(joinForeignName, new SubscriptionJoin<unknown, unknown, unknown>(foreignValues).supplier, receiveName)
  const foreignStores = foreignValues.storeNames()
  if (foreignStores.length > 0) topology.connectProcessorAndStateStores(joinForeignName, ...foreignStores)

  const foreignJoinName = named('-foreign-join-subscription', `${FK_JOIN}SUBSCRIPTION-PROCESSOR-`)
  topology.addProcessor(foreignJoinName, new ForeignTableJoin<unknown, unknown, unknown>(storeRef, keySchema).supplier, other.node)
  topology.connectProcessorAndStateStores(foreignJoinName, storeName)

  // Answers → response topic → primary table's tasks.
  const responseTopic = `${named('-subscription-response', `${FK_JOIN}SUBSCRIPTION-RESPONSE-`)}${TOPIC_SUFFIX}`
  topology.addInternalTopic(responseTopic)
  const partitioner = tableJoined?.partitioner ?? null
  const responsePartitioner: StreamPartitioner<unknown, SubscriptionResponseWrapper<unknown>> = partitioner === null
    ? (_topic, _key, value) => value.primaryPartition
    : (topic, key, _value, partitions) => partitioner(topic, key, null, partitions)
  const responseSinkName = named('-subscription-response-sink', 'KSTREAM-SINK-')
  topology.addSink(responseSinkName, responseTopic, { keySerde: primaryKeySerde, valueSerde: responseSerde, partitioner: responsePartitioner }, joinForeignName, foreignJoinName)
  const responseSourceName = named('-subscription-response-source', 'KSTREAM-SOURCE-')
  topology.addSource(responseSourceName, { topics: [responseTopic], keySerde: primaryKeySerde, valueSerde: responseSerde })
  const sourceNodes = copartition(builder, spec.sourceNodes, [responseSourceName])

  const primaryValues = valueGetterSupplierOf<unknown, unknown>(spec.control, spec.node)
  const resolverName = named('-subscription-response-resolver', `${FK_JOIN}SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-`)
  topology.addProcessor(resolverName, new ResponseJoin<unknown, unknown, unknown, unknown>(primaryValues, valueSerde, subscriptionTopic, joiner, leftJoin).supplier, responseSourceName)
  const primaryStores = primaryValues.storeNames()
  if (primaryStores.length > 0) topology.connectProcessorAndStateStores(resolverName, ...primaryStores)

  // The result table.
  const resultName = named('-result', `${FK_JOIN}OUTPUT-`)
  const store = storeNameFor(builder, materialized, `${FK_JOIN}OUTPUT-`)
  const keySerde = materialized?.keySerde ?? spec.keySerde
  const resultValueSerde = materialized?.valueSerde ?? null
  const result = new KTableSource<unknown, unknown>(store.name, () => {
    const own = keyValueStoreFor(store.name, materialized, keySerde, resultValueSerde)
    topology.addStateStore(own.builder, resultName).markTimestampedStore(store.name)
    return own.valueSerde
  })
  topology.addProcessor(resultName, result.supplier, resolverName)
  if (store.queryable) result.materialize()
  return builder.factories.table(builder, {
    node: resultName, keySerde, valueSerde: resultValueSerde, control: result, queryableStoreName: store.queryable ? store.name : null, sourceNodes,
  })
}
