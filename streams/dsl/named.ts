/**
 * `Named`: the name of a DSL node (Kafka Streams' `Named`). Without one, the DSL generates
 * `KSTREAM-<OPERATION>-<index>`; naming the nodes whose names reach state (stores, internal
 * topics) keeps them stable when the topology changes upstream.
 */
import { StreamsError } from '../errors.ts'

/** Kafka's rule for names that become parts of topic names: letters, digits, '.', '_', '-'; at most 249. */
const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/

export function validateName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !LEGAL_NAME.test(name)) {
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `Invalid ${what} name ${JSON.stringify(name)}: use 1 to 249 letters, digits, '.', '_' or '-' (it may become part of a topic name)`,
    )
  }
  return name
}

export class Named {
  readonly name: string

  private constructor(name: string) {
    this.name = validateName(name, 'processor')
  }

  static as(name: string): Named {
    return new Named(name)
  }
}
