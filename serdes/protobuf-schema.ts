/**
 * `ProtobufSchema`: a .proto file with its imports, parsed with protobufjs, and the mapping
 * between its message types and Confluent message indexes.
 *
 * Message indexes count message declarations only (not enums, services or extensions), in
 * declaration order, first among the file's top-level messages, then among the nested messages
 * of the message chosen, and so on. They are computed from the main file alone, since imported
 * files may share its package. Imports are given as `{ name: import path, text }`; the
 * well-known `google/protobuf/*.proto` files come with protobufjs and need not be given.
 *
 * Known gap (to check against Confluent's Java serializer): protoc adds a synthetic nested
 * `…Entry` message per map field, which Confluent counts; protobufjs has no such types, so a
 * message declared after a map field inside the same message gets a lower index here.
 */
import protobuf from 'protobufjs'
import { SerdesError, type SerdesErrorContext } from './errors.ts'

export interface ProtobufFile {
  /** The import path other files use for it (`common/money.proto`). */
  readonly name: string
  readonly text: string
}

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true }
const WELL_KNOWN = 'google/protobuf/'

function messagesOf(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type)
}

export class ProtobufSchema {
  readonly root: protobuf.Root
  /** The main file's package ('' when none). */
  readonly packageName: string
  /** The import paths the main file names directly. */
  readonly imports: readonly string[]
  /** The main file parsed alone: its top-level messages in declaration order. */
  readonly #topLevel: readonly protobuf.Type[]

  constructor(text: string, imports: readonly ProtobufFile[] = [], context: SerdesErrorContext = {}) {
    try {
      const alone = protobuf.parse(text, new protobuf.Root(), PARSE_OPTIONS)
      this.packageName = alone.package ?? ''
      this.imports = [...(alone.imports ?? []), ...(alone.weakImports ?? [])]
      const packageNamespace = this.packageName === '' ? alone.root : alone.root.lookup(this.packageName)
      this.#topLevel = packageNamespace instanceof protobuf.Namespace || packageNamespace instanceof protobuf.Root
        ? messagesOf(packageNamespace as protobuf.NamespaceBase)
        : []

      const root = new protobuf.Root()
      const given = new Map(imports.map((file) => [file.name, file.text]))
      const loaded = new Set<string>()
      const load = (name: string, source: string): void => {
        if (loaded.has(name)) return
        loaded.add(name)
        const parsed = protobuf.parse(source, root, PARSE_OPTIONS)
        for (const imported of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
          const importedText = given.get(imported)
          if (importedText !== undefined) {
            load(imported, importedText)
          } else if (imported.startsWith(WELL_KNOWN)) {
            if (!loaded.has(imported)) {
              loaded.add(imported)
              const common = protobuf.common.get(imported)
              if (common === null) throw new Error(`unknown well-known file ${imported}`)
              root.addJSON(common.nested ?? {})
            }
          } else {
            throw new Error(`import "${imported}" is not given (pass its text in imports)`)
          }
        }
      }
      load('<main>', text)
      root.resolveAll()
      this.root = root
    } catch (error) {
      if (error instanceof SerdesError) throw error
      throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid Protobuf schema: ${(error as Error).message}`, context, { cause: error })
    }
  }

  /** The main file's first message (the one `[0]` names). */
  get firstMessageName(): string | undefined {
    const first = this.#topLevel[0]
    return first === undefined ? undefined : this.#qualify(first)
  }

  /** The message type `name`: a full name (`shop.Order.Line`) or one relative to the package (`Order.Line`). */
  messageType(name: string, context: SerdesErrorContext = {}): protobuf.Type {
    const relative = name.startsWith('.') ? name.slice(1) : name
    const candidates = this.packageName === '' || relative.startsWith(`${this.packageName}.`) ? [relative] : [`${this.packageName}.${relative}`, relative]
    for (const candidate of candidates) {
      const found = this.root.lookup(candidate)
      if (found instanceof protobuf.Type) return found
    }
    throw new SerdesError('SERDES_INVALID_SCHEMA', `No message type "${name}" in the Protobuf schema`, context)
  }

  /** The message indexes of the main file's message `type` (nested types included). */
  indexesOf(type: protobuf.Type, context: SerdesErrorContext = {}): number[] {
    const path = this.#qualify(type).split('.')
    const packageParts = this.packageName === '' ? 0 : this.packageName.split('.').length
    const names = path.slice(packageParts)
    const indexes: number[] = []
    let level: readonly protobuf.Type[] = this.#topLevel
    for (const name of names) {
      const index = level.findIndex((message) => message.name === name)
      if (index < 0) throw new SerdesError('SERDES_INVALID_SCHEMA', `Message "${this.#qualify(type)}" is not declared in the main .proto file`, context)
      indexes.push(index)
      level = messagesOf(level[index])
    }
    return indexes
  }

  /** The message type the indexes name in the main file. */
  typeAt(indexes: readonly number[], context: SerdesErrorContext = {}): protobuf.Type {
    let level: readonly protobuf.Type[] = this.#topLevel
    const names: string[] = []
    for (const index of indexes) {
      const message = level[index]
      if (message === undefined) throw new SerdesError('SERDES_DESERIALIZATION', `Message indexes [${indexes.join(', ')}] name no message of the writer schema`, context)
      names.push(message.name)
      level = messagesOf(message)
    }
    return this.messageType(names.join('.'), context)
  }

  #qualify(type: protobuf.ReflectionObject): string {
    return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName
  }
}
