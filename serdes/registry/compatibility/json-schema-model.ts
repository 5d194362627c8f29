/**
 * `JsonSchemaLoader`: reads a JSON Schema into the typed model Confluent's JSON Schema diff
 * works on (the everit library's schema classes), so the diff can follow Confluent's rules.
 *
 * How a schema object becomes a model:
 * - `true` and `{}` (or an object with only annotations) are `empty`; `false` is `false`.
 * - `$ref` replaces the object with the schema it points to; up to draft 7 its siblings are
 *   ignored, from draft 2019-09 on (by `$schema`) they make an `allOf` with it. Local pointers (`#/definitions/x`, `#/$defs/x`), anchors (`#name`, `$id: "#name"`)
 *   and references by URL (`other.json`, `other.json#/$defs/x`) resolve; the URL is looked up
 *   among `references` by name, then by the `$id` of each referenced document, relative to the
 *   `$id` of the document holding the `$ref`. An unresolvable or circular `$ref` is an error.
 * - `enum`, `const`, each of `allOf`/`anyOf`/`oneOf`, `not`, and the type part each give one
 *   model; the type part is the `type` keyword (an array of types is an `anyOf` of one model
 *   per type) or, without `type`, one model per group of type-specific keywords present
 *   (`properties`… → object, `items`… → array, `minimum`… → number, `maxLength`… → string).
 *   None gives `empty`, one gives itself, several give a synthetic `allOf` of them.
 *
 * Subschemas are `SchemaLink`s, loaded on demand, so recursive schemas load; the loader caches
 * the model of each schema object, which gives recursion a stable identity to stop on.
 * `if`/`then`/`else`, `propertyNames` and `contains` are not modelled (Confluent does not
 * compare them either).
 */
import { SerdesError } from '../../errors.ts'

/** A JSON document: the main schema or a referenced one. */
export interface JsonDocument {
  readonly root: unknown
  /** Its `$id`, or the name it is referenced under. */
  readonly base: string | undefined
  /** Whether its `$schema` is draft 2019-09 or 2020-12, where `items` changed meaning. */
  readonly modern: boolean
}

/** A subschema: a node of a document, or a model built while loading (a member of `type: [...]`). */
export type SchemaLink =
  | { readonly node: unknown; readonly document: JsonDocument }
  | { readonly model: JsonSchemaModel }

interface Annotations {
  /** Whether the schema object has a `default`. */
  readonly hasDefault: boolean
  /** Its `connect.type` (Kafka Connect's JSON converter marks bytes with it). */
  readonly connectType: unknown
  /** A canonical JSON text of the schema object, to collapse duplicate subschemas. */
  readonly identity: string | undefined
}

export type JsonSchemaModel = Annotations & (
  | { readonly kind: 'empty' | 'false' | 'null' | 'boolean' }
  | { readonly kind: 'string'; readonly maxLength?: number; readonly minLength?: number; readonly pattern?: string }
  | NumberModel
  | ObjectModel
  | ArrayModel
  | { readonly kind: 'enum'; readonly values: readonly unknown[] }
  | { readonly kind: 'const'; readonly value: unknown }
  | CombinedModel
  | { readonly kind: 'not'; readonly schema: SchemaLink }
)

export interface NumberModel {
  readonly kind: 'number'
  readonly integer: boolean
  readonly maximum?: number
  readonly minimum?: number
  readonly exclusiveMaximum?: number
  readonly exclusiveMinimum?: number
  readonly multipleOf?: number
}

export interface ObjectModel {
  readonly kind: 'object'
  readonly properties: ReadonlyMap<string, SchemaLink>
  readonly required: ReadonlySet<string>
  /** `additionalProperties` is not `false`. */
  readonly permitsAdditional: boolean
  /** The schema `additionalProperties` gives, when it is an object. */
  readonly additional: SchemaLink | undefined
  readonly patternProperties: readonly (readonly [RegExp, SchemaLink])[]
  readonly propertyDependencies: ReadonlyMap<string, readonly string[]>
  readonly schemaDependencies: ReadonlyMap<string, SchemaLink>
  readonly unevaluated: SchemaLink | undefined
  readonly maxProperties?: number
  readonly minProperties?: number
}

export interface ArrayModel {
  readonly kind: 'array'
  /** `items` as one schema for every item. */
  readonly items: SchemaLink | undefined
  /** `items` as an array (or `prefixItems`): one schema per position. */
  readonly itemList: readonly SchemaLink[]
  readonly permitsAdditional: boolean
  readonly additional: SchemaLink | undefined
  readonly unevaluated: SchemaLink | undefined
  readonly maxItems?: number
  readonly minItems?: number
  readonly uniqueItems: boolean
  readonly maxContains?: number
  readonly minContains?: number
}

export interface CombinedModel {
  readonly kind: 'combined'
  readonly criterion: 'allOf' | 'anyOf' | 'oneOf'
  readonly subschemas: readonly SchemaLink[]
}

const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'patternProperties', 'propertyNames', 'unevaluatedProperties']
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'maxContains', 'minContains', 'unevaluatedItems']
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format']
const CRITERIA = ['allOf', 'anyOf', 'oneOf'] as const

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(detail: string): SerdesError {
  return new SerdesError('SERDES_INVALID_SCHEMA', `Invalid JSON schema: ${detail}`)
}

/** JSON text with object keys sorted, so equal JSON values give equal texts. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isObject(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

function numberOf(node: Json, keyword: string): number | undefined {
  const value = node[keyword]
  return typeof value === 'number' ? value : undefined
}

function parseDocument(text: string, base: string | undefined, what: string): JsonDocument {
  let root: unknown
  try {
    root = JSON.parse(text)
  } catch (error) {
    throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid JSON schema: the ${what} is not JSON: ${(error as Error).message}`, {}, { cause: error })
  }
  if (!isObject(root) && typeof root !== 'boolean') throw invalid(`the ${what} is neither an object nor a boolean`)
  const id = isObject(root) && typeof root.$id === 'string' ? root.$id : base
  const modern = isObject(root) && typeof root.$schema === 'string' && /2019-09|2020-12/.test(root.$schema)
  return { root, base: id, modern }
}

const FALSE_MODEL: JsonSchemaModel = { kind: 'false', hasDefault: false, connectType: undefined, identity: 'false' }
const TRUE_MODEL: JsonSchemaModel = { kind: 'empty', hasDefault: false, connectType: undefined, identity: 'true' }

/** Loads the main schema and its references; one loader per schema version. */
export class JsonSchemaLoader {
  readonly main: JsonDocument
  readonly #documents: { readonly name: string; readonly document: JsonDocument }[]
  readonly #models = new WeakMap<object, JsonSchemaModel>()
  readonly #resolving = new Set<object>()

  constructor(schema: string, references: ReadonlyMap<string, string>) {
    this.main = parseDocument(schema, undefined, 'schema')
    this.#documents = [...references].map(([name, text]) => ({ name, document: parseDocument(text, name, `reference "${name}"`) }))
  }

  /** The main schema's root. */
  get root(): SchemaLink {
    return { node: this.main.root, document: this.main }
  }

  /** The model of a subschema (the same object each time for the same schema object). */
  load(link: SchemaLink): JsonSchemaModel {
    if ('model' in link) return link.model
    const { node, document } = link
    if (node === true) return TRUE_MODEL
    if (node === false) return FALSE_MODEL
    if (!isObject(node)) throw invalid(`a schema must be an object or a boolean, found ${JSON.stringify(node)}`)
    const cached = this.#models.get(node)
    if (cached !== undefined) return cached
    let model: JsonSchemaModel
    const siblings = typeof node.$ref === 'string' && document.modern ? withoutRef(node) : undefined
    if (siblings !== undefined) {
      // Draft 2019-09 and later apply `$ref` beside the other keywords: both must hold.
      const annotations = { hasDefault: 'default' in node, connectType: node['connect.type'], identity: canonicalJson(node) }
      model = { kind: 'combined', criterion: 'allOf', subschemas: [{ node: { $ref: node.$ref }, document }, { node: siblings, document }], ...annotations }
    } else if (typeof node.$ref === 'string') {
      if (this.#resolving.has(node)) throw invalid(`the $ref "${node.$ref}" refers to itself`)
      this.#resolving.add(node)
      try {
        model = this.load(this.#resolve(node.$ref, document))
      } finally {
        this.#resolving.delete(node)
      }
    } else {
      model = this.#build(node, document)
    }
    this.#models.set(node, model)
    return model
  }

  /** Whether the schema object a link names has a `default` (checked before following `$ref`). */
  hasDefault(link: SchemaLink): boolean {
    if ('model' in link) return link.model.hasDefault
    return isObject(link.node) && ('default' in link.node || this.load(link).hasDefault)
  }

  #build(node: Json, document: JsonDocument): JsonSchemaModel {
    const annotations = { hasDefault: 'default' in node, connectType: node['connect.type'], identity: canonicalJson(node) }
    const child = (value: unknown): SchemaLink => ({ node: value, document })
    const parts: JsonSchemaModel[] = []
    if (Array.isArray(node.enum)) parts.push({ kind: 'enum', values: node.enum, ...annotations })
    if ('const' in node) parts.push({ kind: 'const', value: node.const, ...annotations })
    for (const criterion of CRITERIA) {
      const subschemas = node[criterion]
      if (subschemas === undefined) continue
      if (!Array.isArray(subschemas) || subschemas.length === 0) throw invalid(`"${criterion}" must be a non-empty array of schemas`)
      parts.push({ kind: 'combined', criterion, subschemas: subschemas.map(child), ...annotations })
    }
    if ('not' in node) parts.push({ kind: 'not', schema: child(node.not), ...annotations })

    const type = node.type
    if (typeof type === 'string') {
      parts.push(this.#typed(type, node, document, annotations))
    } else if (Array.isArray(type)) {
      const members = type.map((name) => {
        if (typeof name !== 'string') throw invalid(`"type" must name types, found ${JSON.stringify(name)}`)
        return { model: this.#typed(name, node, document, { ...annotations, identity: undefined }) }
      })
      parts.push({ kind: 'combined', criterion: 'anyOf', subschemas: members, ...annotations })
    } else if (type !== undefined) {
      throw invalid(`"type" must be a string or an array, found ${JSON.stringify(type)}`)
    } else {
      const has = (keywords: readonly string[]): boolean => keywords.some((keyword) => keyword in node)
      if (has(OBJECT_KEYWORDS)) parts.push(this.#object(node, document, annotations))
      if (has(ARRAY_KEYWORDS)) parts.push(this.#array(node, document, annotations))
      if (has(NUMBER_KEYWORDS)) parts.push(this.#number(node, false, annotations))
      if (has(STRING_KEYWORDS)) parts.push(this.#string(node, annotations))
    }
    if (parts.length === 0) return { kind: 'empty', ...annotations }
    if (parts.length === 1) return parts[0]
    return { kind: 'combined', criterion: 'allOf', subschemas: parts.map((model) => ({ model: { ...model, identity: undefined } })), ...annotations }
  }

  #typed(type: string, node: Json, document: JsonDocument, annotations: Annotations): JsonSchemaModel {
    switch (type) {
      case 'string': return this.#string(node, annotations)
      case 'integer': return this.#number(node, true, annotations)
      case 'number': return this.#number(node, false, annotations)
      case 'object': return this.#object(node, document, annotations)
      case 'array': return this.#array(node, document, annotations)
      case 'boolean':
      case 'null': return { kind: type, ...annotations }
      default: throw invalid(`unknown type "${type}"`)
    }
  }

  #string(node: Json, annotations: Annotations): JsonSchemaModel {
    const pattern = typeof node.pattern === 'string' ? node.pattern : undefined
    return { kind: 'string', maxLength: numberOf(node, 'maxLength'), minLength: numberOf(node, 'minLength'), pattern, ...annotations }
  }

  #number(node: Json, integer: boolean, annotations: Annotations): JsonSchemaModel {
    return {
      kind: 'number',
      integer,
      maximum: numberOf(node, 'maximum'),
      minimum: numberOf(node, 'minimum'),
      exclusiveMaximum: numberOf(node, 'exclusiveMaximum'),
      exclusiveMinimum: numberOf(node, 'exclusiveMinimum'),
      multipleOf: numberOf(node, 'multipleOf'),
      ...annotations,
    }
  }

  #object(node: Json, document: JsonDocument, annotations: Annotations): JsonSchemaModel {
    const child = (value: unknown): SchemaLink => ({ node: value, document })
    const properties = isObject(node.properties) ? new Map(Object.entries(node.properties).map(([name, schema]) => [name, child(schema)])) : new Map()
    const required = new Set(Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === 'string') : [])
    const patternProperties = isObject(node.patternProperties)
      ? Object.entries(node.patternProperties).map(([pattern, schema]) => [compilePattern(pattern), child(schema)] as const)
      : []
    const propertyDependencies = new Map<string, readonly string[]>()
    const schemaDependencies = new Map<string, SchemaLink>()
    for (const source of [node.dependencies, node.dependentRequired, node.dependentSchemas]) {
      if (!isObject(source)) continue
      for (const [name, value] of Object.entries(source)) {
        if (Array.isArray(value)) propertyDependencies.set(name, value.filter((other): other is string => typeof other === 'string'))
        else schemaDependencies.set(name, child(value))
      }
    }
    const additional = node.additionalProperties
    return {
      kind: 'object',
      properties,
      required,
      permitsAdditional: additional !== false,
      additional: isObject(additional) ? child(additional) : undefined,
      patternProperties,
      propertyDependencies,
      schemaDependencies,
      unevaluated: 'unevaluatedProperties' in node ? child(node.unevaluatedProperties) : undefined,
      maxProperties: numberOf(node, 'maxProperties'),
      minProperties: numberOf(node, 'minProperties'),
      ...annotations,
    }
  }

  #array(node: Json, document: JsonDocument, annotations: Annotations): JsonSchemaModel {
    const child = (value: unknown): SchemaLink => ({ node: value, document })
    // Draft 2020-12 spells the tuple form `prefixItems` and the rest `items`; there (as in
    // Confluent) a boolean `items` alone allows or forbids additional items.
    const prefixed = Array.isArray(node.prefixItems)
    const tuple = prefixed ? node.prefixItems as unknown[] : Array.isArray(node.items) ? node.items : undefined
    const restOnly = document.modern && !prefixed && typeof node.items === 'boolean'
    const rest = prefixed || restOnly ? node.items : node.additionalItems
    return {
      kind: 'array',
      items: tuple === undefined && !restOnly && node.items !== undefined ? child(node.items) : undefined,
      itemList: (tuple ?? []).map(child),
      permitsAdditional: rest !== false,
      additional: isObject(rest) ? child(rest) : undefined,
      unevaluated: 'unevaluatedItems' in node ? child(node.unevaluatedItems) : undefined,
      maxItems: numberOf(node, 'maxItems'),
      minItems: numberOf(node, 'minItems'),
      uniqueItems: node.uniqueItems === true,
      maxContains: numberOf(node, 'maxContains'),
      minContains: numberOf(node, 'minContains'),
      ...annotations,
    }
  }

  #resolve(ref: string, from: JsonDocument): SchemaLink {
    const hash = ref.indexOf('#')
    const address = hash < 0 ? ref : ref.slice(0, hash)
    const fragment = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1))
    const document = address === '' ? from : this.#document(address, from)
    if (document === undefined) throw invalid(`the $ref "${ref}" names no schema among the references`)
    if (fragment === '') return { node: document.root, document }
    if (fragment.startsWith('/')) {
      let node: unknown = document.root
      for (const token of fragment.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))) {
        node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined
        if (node === undefined) throw invalid(`the $ref "${ref}" points to nothing`)
      }
      return { node, document }
    }
    const anchored = findAnchor(document.root, fragment)
    if (anchored === undefined) throw invalid(`the $ref "${ref}" names no anchor "${fragment}"`)
    return { node: anchored, document }
  }

  #document(address: string, from: JsonDocument): JsonDocument | undefined {
    const candidates = new Set([address])
    if (from.base !== undefined) {
      try {
        candidates.add(new URL(address, from.base).href)
      } catch {
        // A base that is not a URL: only the address as written can match.
      }
    }
    const all = [{ name: this.main.base, document: this.main }, ...this.#documents]
    for (const candidate of candidates) {
      const found = all.find(({ name, document }) => name === candidate || document.base === candidate)
      if (found !== undefined) return found.document
    }
    return undefined
  }
}

/** Keywords that do not constrain values, so a `$ref` beside only these is a plain reference. */
const ANNOTATIONS = new Set(['$ref', '$schema', '$id', '$anchor', '$defs', 'definitions', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'])

/** The schema object without `$ref`, when it has constraining keywords beside it. */
function withoutRef(node: Json): Json | undefined {
  if (Object.keys(node).every((keyword) => ANNOTATIONS.has(keyword))) return undefined
  const { $ref: _ref, ...rest } = node
  return rest
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u')
  } catch (error) {
    throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid JSON schema: pattern "${pattern}" is not a regular expression`, {}, { cause: error })
  }
}

/** The subschema with `$anchor: name` or `$id: "#name"`. */
function findAnchor(node: unknown, name: string): unknown {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAnchor(item, name)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (!isObject(node)) return undefined
  if (node.$anchor === name || node.$id === `#${name}`) return node
  for (const value of Object.values(node)) {
    const found = findAnchor(value, name)
    if (found !== undefined) return found
  }
  return undefined
}
