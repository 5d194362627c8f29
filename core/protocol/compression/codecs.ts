/**
 * Compression codecs of record batch v2, by the id stored in the low 3 bits of a batch's
 * attributes (Kafka's `compression.type`): 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd; 5–7 are
 * unassigned.
 *
 * Only the records section (everything after the 61-byte header) is compressed, as one unit.
 * Each codec lives in its own module that wraps one library, so a library can be swapped in one
 * place; this module dispatches by id and gives failures Creek's error codes:
 *
 * - an id that is not 0–4 → `CORE_UNSUPPORTED_COMPRESSION`;
 * - bytes a codec cannot decompress → `CORE_CORRUPT_RECORD` naming the codec, with the library's
 *   error as `cause`.
 */
import { CoreError } from '../../errors.ts'
import * as gzip from './gzip.ts'
import * as lz4 from './lz4.ts'
import * as snappy from './snappy.ts'
import * as zstd from './zstd.ts'

export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType]

/** Names as Kafka's `compression.type` config spells them, indexed by id. */
const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof NAMES)[number]

interface Codec {
  compress(data: Buffer): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

/** Indexed by id; `None` has no codec. */
const CODECS: readonly (Codec | undefined)[] = [undefined, gzip, snappy, lz4, zstd]

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= 0 && id < NAMES.length
}

function unsupported(id: number): CoreError {
  const known = NAMES.map((name, i) => `${i} (${name})`).join(', ')
  return new CoreError('CORE_UNSUPPORTED_COMPRESSION', `Unknown compression codec id ${id}; known ids: ${known}`)
}

/** Kafka's name of a codec id; throws `CORE_UNSUPPORTED_COMPRESSION` for an unknown id. */
export function compressionTypeName(id: number): CompressionName {
  if (!isCompressionType(id)) throw unsupported(id)
  return NAMES[id]
}

/** Parses a `compression.type` value; throws `CORE_INVALID_CONFIG` naming the allowed values. */
export function parseCompressionType(name: string): CompressionType {
  const id = (NAMES as readonly string[]).indexOf(name)
  if (id < 0) {
    throw new CoreError(
      'CORE_INVALID_CONFIG',
      `Invalid compression type ${JSON.stringify(name)}; use one of ${NAMES.map((n) => `'${n}'`).join(', ')}`,
    )
  }
  return id as CompressionType
}

/** Compresses a records section; `None` returns `data` itself. */
export async function compress(type: CompressionType, data: Buffer): Promise<Buffer> {
  if (type === CompressionType.None) return data
  const codec = CODECS[type]
  if (codec === undefined) throw unsupported(type)
  return codec.compress(data)
}

/**
 * Decompresses a records section; `None` returns `data` itself. Takes any number so that an id
 * read from a batch can be passed as is.
 */
export async function decompress(type: number, data: Buffer): Promise<Buffer> {
  if (type === CompressionType.None) return data
  const codec = isCompressionType(type) ? CODECS[type] : undefined
  if (codec === undefined) throw unsupported(type)
  try {
    return await codec.decompress(data)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new CoreError(
      'CORE_CORRUPT_RECORD',
      `Could not decompress ${data.length} bytes of ${NAMES[type]} data: ${reason}`,
      { cause },
    )
  }
}
