/**
 * `jsonSchemaIncompatibilities(reader, writer)`: the changes from a writer JSON Schema to a
 * reader one that Confluent's JSON Schema `SchemaDiff` rejects under its default (strict)
 * policy, comparing original = writer with update = reader. Both are read into the model of
 * json-schema-model.ts first; only the changes that make the pair incompatible are returned.
 *
 * Rules (path, then the rejected change types; every other change is allowed):
 * - any schema: `TYPE_CHANGED` (another kind of schema, unless the reader is `true`/`{}` or the
 *   writer `false`); `SCHEMA_ADDED` (`items` added); a reader `anyOf`/`oneOf` accepts a writer
 *   that one branch reads, a writer `allOf` a reader that one member reads.
 * - numbers: `TYPE_NARROWED` (number → integer); `MAXIMUM_ADDED`/`_DECREASED`,
 *   `MINIMUM_ADDED`/`_INCREASED`, the same for `EXCLUSIVE_…`, `MULTIPLE_OF_ADDED`/`_EXPANDED`/`_CHANGED`.
 * - strings: `MAX_LENGTH_ADDED`/`_DECREASED`, `MIN_LENGTH_ADDED`/`_INCREASED`, `PATTERN_ADDED`/`_CHANGED`.
 * - enum and const: `ENUM_ARRAY_NARROWED`, `ENUM_ARRAY_CHANGED`.
 * - objects: `REQUIRED_ATTRIBUTE_ADDED` (made required without a default);
 *   properties added to an open content model (`additionalProperties` absent or true):
 *   `OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`, `REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`,
 *   `REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL` (all rejected: the writer may
 *   have put anything under that name; only a property with the empty schema is allowed);
 *   to a closed one: `REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL` (required, no default);
 *   `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL`; with a partially open model (a schema for
 *   additional or pattern properties) `PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`
 *   and `PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`;
 *   `ADDITIONAL_PROPERTIES_REMOVED`/`_NARROWED`, `UNEVALUATED_PROPERTIES_REMOVED`/`_NARROWED`,
 *   `DEPENDENCY_ARRAY_ADDED`/`_EXTENDED`/`_CHANGED`, `DEPENDENCY_SCHEMA_ADDED`,
 *   `MAX_PROPERTIES_ADDED`/`_DECREASED`, `MIN_PROPERTIES_ADDED`/`_INCREASED`.
 * - arrays: `items` compared; tuple items like properties (`ITEM_ADDED_TO_OPEN_CONTENT_MODEL`,
 *   `ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL`, `ITEM_…_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`);
 *   `ADDITIONAL_ITEMS_REMOVED`/`_NARROWED`, `UNEVALUATED_ITEMS_REMOVED`/`_NARROWED`,
 *   `MAX_ITEMS_ADDED`/`_DECREASED`, `MIN_ITEMS_ADDED`/`_INCREASED`, the same for `…_CONTAINS`,
 *   `UNIQUE_ITEMS_ADDED`.
 * - combined schemas: `COMBINED_TYPE_CHANGED` (another criterion, other than a widening),
 *   `PRODUCT_TYPE_EXTENDED` (more `allOf` members), `SUM_TYPE_NARROWED` (fewer `anyOf`/`oneOf`
 *   branches), `COMBINED_TYPE_SUBSCHEMAS_CHANGED` (no one-to-one matching of compatible
 *   subschemas covers the smaller side); `not`: `NOT_TYPE_EXTENDED`.
 *
 * A schema pair met again while it is being compared (recursion through `$ref`) counts as
 * compatible; finished pairs are remembered unless their result leaned on that assumption.
 * Paths are Confluent's (`#/properties/age`, `#/items/0`, `#/oneOf/1`). Descriptions say
 * "reader schema" and "writer schema"; `checkCompatibility` rewords them as new/old.
 */
import type { Incompatibility, ResolvedSchema } from './incompatibility.ts'
import { enumChanges, type Found, limit, numberChanges, stringChanges } from './json-schema-keyword-diff.ts'
import { canonicalJson, JsonSchemaLoader, type ArrayModel, type CombinedModel, type JsonSchemaModel, type NumberModel, type ObjectModel, type SchemaLink } from './json-schema-model.ts'

function pathText(path: readonly string[]): string {
  return `#/${path.join('/')}`
}

function describeModel(model: JsonSchemaModel): string {
  switch (model.kind) {
    case 'empty': return 'any value (true)'
    case 'false': return 'no value (false)'
    case 'number': return model.integer ? 'an integer' : 'a number'
    case 'combined': return `a combined schema (${model.criterion})`
    case 'enum': return 'an enum'
    case 'not': return 'a "not" schema'
    case 'const': return 'a const'
    case 'array': return 'an array'
    case 'object': return 'an object'
    default: return `a ${model.kind}`
  }
}

/** The largest one-to-one matching in a bipartite graph (Kuhn's augmenting paths). */
function maximumMatching(left: number, right: number, edge: (l: number, r: number) => boolean): number {
  const matchOfRight = new Array<number>(right).fill(-1)
  const augment = (l: number, visited: boolean[]): boolean => {
    for (let r = 0; r < right; r++) {
      if (visited[r] || !edge(l, r)) continue
      visited[r] = true
      if (matchOfRight[r] < 0 || augment(matchOfRight[r], visited)) {
        matchOfRight[r] = l
        return true
      }
    }
    return false
  }
  let size = 0
  for (let l = 0; l < left; l++) if (augment(l, new Array<boolean>(right).fill(false))) size++
  return size
}

/** The rules broken when data written with `writer` is read with `reader` (both JSON Schema). */
export function jsonSchemaIncompatibilities(reader: ResolvedSchema, writer: ResolvedSchema): Incompatibility[] {
  const original = new JsonSchemaLoader(writer.schema, writer.references)
  const update = new JsonSchemaLoader(reader.schema, reader.references)
  const found = new JsonSchemaDiff(original, update).compare(original.root, update.root)
  return found.map((issue) => ({ type: issue.type, path: pathText(issue.path), description: issue.say(pathText(issue.path)) }))
}

/** One comparison of original (writer) with update (reader). */
class JsonSchemaDiff {
  readonly #original: JsonSchemaLoader
  readonly #update: JsonSchemaLoader
  readonly #memo = new Map<JsonSchemaModel, Map<JsonSchemaModel, readonly Found[]>>()
  readonly #inProgress = new Map<JsonSchemaModel, Set<JsonSchemaModel>>()
  /** How many times a recursive pair was assumed compatible (shared with the reversed diff). */
  readonly #assumptions: { count: number }
  /** The diff with the roles swapped, for `not`; kept so recursion through it ends too. */
  #reverse: JsonSchemaDiff | undefined

  constructor(original: JsonSchemaLoader, update: JsonSchemaLoader, assumptions = { count: 0 }) {
    this.#original = original
    this.#update = update
    this.#assumptions = assumptions
  }

  #reversed(): JsonSchemaDiff {
    if (this.#reverse === undefined) {
      this.#reverse = new JsonSchemaDiff(this.#update, this.#original, this.#assumptions)
      this.#reverse.#reverse = this
    }
    return this.#reverse
  }

  /** Compares two subschemas (either may be absent); paths are relative to them. */
  compare(originalLink: SchemaLink | undefined, updateLink: SchemaLink | undefined): Found[] {
    if (originalLink === undefined || updateLink === undefined) {
      if (originalLink === undefined && updateLink !== undefined) {
        return [{ type: 'SCHEMA_ADDED', path: [], say: (p) => `The reader schema has a schema at path '${p}' that the writer schema does not have, so values written there may not match it` }]
      }
      return []
    }
    const original = this.#original.load(originalLink)
    const update = this.#update.load(updateLink)
    const known = this.#memo.get(original)?.get(update)
    if (known !== undefined) return [...known]
    let active = this.#inProgress.get(original)
    if (active === undefined) {
      active = new Set()
      this.#inProgress.set(original, active)
    }
    if (active.has(update)) {
      // A recursive pair: assume it compatible; results that leaned on this are not memoized.
      this.#assumptions.count++
      return []
    }
    active.add(update)
    const assumptionsBefore = this.#assumptions.count
    try {
      const result = this.#compareModels(original, update)
      if (this.#assumptions.count === assumptionsBefore) {
        let byUpdate = this.#memo.get(original)
        if (byUpdate === undefined) {
          byUpdate = new Map()
          this.#memo.set(original, byUpdate)
        }
        byUpdate.set(update, result)
      }
      return result
    } finally {
      active.delete(update)
    }
  }

  /** `compare` with the result's paths under `prefix`. */
  #compareAt(prefix: readonly string[], original: SchemaLink | undefined, update: SchemaLink | undefined): Found[] {
    return this.compare(original, update).map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }))
  }

  #compareModels(original: JsonSchemaModel, update: JsonSchemaModel): Found[] {
    if (original.kind !== 'combined' && update.kind === 'combined') {
      const branches = update.subschemas.length === 1 || update.criterion !== 'allOf' ? update.subschemas : []
      if (branches.some((branch) => this.compare({ model: original }, branch).length === 0)) return []
    } else if (original.kind === 'combined' && update.kind !== 'combined') {
      const members = original.subschemas.length === 1 || original.criterion === 'allOf' ? original.subschemas : []
      if (members.some((member) => this.compare(member, { model: update }).length === 0)) return []
    }
    if (original.kind !== update.kind) {
      if (original.kind === 'false' || update.kind === 'empty') return []
      if (original.connectType === 'bytes' && update.connectType === 'bytes') return []
      return [{ type: 'TYPE_CHANGED', path: [], say: (p) => `The schema at path '${p}' is ${describeModel(update)} in the reader schema and ${describeModel(original)} in the writer schema` }]
    }
    switch (original.kind) {
      case 'string': return stringChanges(original, update as typeof original)
      case 'number': return numberChanges(original, update as NumberModel)
      case 'enum': return enumChanges(original.values, (update as typeof original).values, 'enum')
      case 'const': return enumChanges([original.value], [(update as typeof original).value], 'const')
      case 'combined': return this.#combined(original, update as CombinedModel)
      case 'not': {
        // Reversed: what the reader excludes must cover what the writer excludes.
        const narrowed = this.#reversed().compare((update as typeof original).schema, original.schema).length === 0
        return narrowed ? [] : [{ type: 'NOT_TYPE_EXTENDED', path: ['not'], say: (p) => `The schema under 'not' at path '${p}' in the reader schema excludes values that the writer schema allows` }]
      }
      case 'object': return this.#object(original, update as ObjectModel)
      case 'array': return this.#array(original, update as ArrayModel)
      default: return []
    }
  }

  #combined(original: CombinedModel, update: CombinedModel): Found[] {
    const single = (model: CombinedModel): boolean => model.subschemas.length === 1
    if (original.criterion !== update.criterion) {
      const widened = update.criterion === 'anyOf' || (single(original) && single(update))
        || (single(original) && update.criterion === 'oneOf') || (single(update) && original.criterion === 'allOf')
      if (!widened) {
        return [{ type: 'COMBINED_TYPE_CHANGED', path: [], say: (p) => `The combined schema at path '${p}' is ${update.criterion} in the reader schema and ${original.criterion} in the writer schema` }]
      }
    }
    const originalSubschemas = distinct(original.subschemas, this.#original)
    const updateSubschemas = distinct(update.subschemas, this.#update)
    const found: Found[] = []
    const counts = `${updateSubschemas.length} in the reader schema, ${originalSubschemas.length} in the writer schema`
    if (originalSubschemas.length < updateSubschemas.length && update.criterion === 'allOf') {
      found.push({ type: 'PRODUCT_TYPE_EXTENDED', path: [], say: (p) => `The allOf at path '${p}' has more subschemas to satisfy in the reader schema than in the writer schema (${counts})` })
    } else if (originalSubschemas.length > updateSubschemas.length && original.criterion !== 'allOf') {
      found.push({ type: 'SUM_TYPE_NARROWED', path: [], say: (p) => `The ${original.criterion} at path '${p}' has fewer subschemas in the reader schema than in the writer schema (${counts})` })
    }
    const compatible = originalSubschemas.map((originalSubschema) => updateSubschemas.map((updateSubschema) => this.compare(originalSubschema, updateSubschema).length === 0))
    const matched = maximumMatching(originalSubschemas.length, updateSubschemas.length, (l, r) => compatible[l][r])
    if (matched < Math.min(originalSubschemas.length, updateSubschemas.length)) {
      found.push({ type: 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', path: [], say: (p) => `The subschemas of the ${original.criterion} at path '${p}' cannot be paired one to one with compatible subschemas of the reader schema's ${update.criterion}` })
    }
    return found
  }

  #object(original: ObjectModel, update: ObjectModel): Found[] {
    const found: Found[] = []
    for (const [name] of original.properties) {
      const updateSchema = update.properties.get(name)
      if (updateSchema === undefined || original.required.has(name) || !update.required.has(name)) continue
      if (!this.#update.hasDefault(updateSchema)) {
        found.push({ type: 'REQUIRED_ATTRIBUTE_ADDED', path: ['required', name], say: (p) => `The property '${name}' (path '${p}') is required in the reader schema but not in the writer schema, and has no default value` })
      }
    }
    for (const name of new Set([...original.properties.keys(), ...update.properties.keys()])) {
      const at = ['properties', name]
      const originalSchema = original.properties.get(name)
      const updateSchema = update.properties.get(name)
      if (originalSchema !== undefined && updateSchema !== undefined) {
        found.push(...this.#compareAt(at, originalSchema, updateSchema))
      } else if (originalSchema !== undefined) {
        found.push(...this.#propertyRemoved(name, at, originalSchema, update))
      } else if (updateSchema !== undefined) {
        found.push(...this.#propertyAdded(name, at, updateSchema, original, update))
      }
    }
    found.push(...this.#dependencies(original, update))
    found.push(...this.#additional('properties', original, update))
    found.push(...this.#unevaluated('properties', original.unevaluated, update.unevaluated))
    found.push(...limit('maxProperties', 'MAX_PROPERTIES', original.maxProperties, update.maxProperties, 'max'))
    found.push(...limit('minProperties', 'MIN_PROPERTIES', original.minProperties, update.minProperties, 'min'))
    return found
  }

  /** A writer property the reader lacks: fine if the reader's content model accepts its values. */
  #propertyRemoved(name: string, at: readonly string[], originalSchema: SchemaLink, update: ObjectModel): Found[] {
    if (isOpenObject(update, this.#update)) return []
    const covering = partialSchema(update, name, this.#update)
    if (covering !== undefined) {
      const differences = this.#compareAt(at, originalSchema, covering)
      if (differences.length === 0) return []
      return [...differences, { type: 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', path: at, say: (p) => `The property '${name}' at path '${p}' in the writer schema is missing in the reader schema, and the additional or pattern properties schema of the reader schema does not accept its values` }]
    }
    if (this.#original.load(originalSchema).kind === 'false') return []
    return [{ type: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', path: at, say: (p) => `The property '${name}' at path '${p}' in the writer schema is missing in the reader schema, whose closed content model (additionalProperties false) rejects it` }]
  }

  /** A reader property the writer lacks: fine only if the writer could not have written other values there. */
  #propertyAdded(name: string, at: readonly string[], updateSchema: SchemaLink, original: ObjectModel, update: ObjectModel): Found[] {
    const required = update.required.has(name)
    const withDefault = this.#update.hasDefault(updateSchema)
    if (isOpenObject(original, this.#original)) {
      if (this.#update.load(updateSchema).kind === 'empty') return []
      const type = !required ? 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
        : withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
      return [{ type, path: at, say: (p) => `The ${required ? 'required ' : ''}property '${name}' at path '${p}' in the reader schema is missing in the writer schema, whose open content model let writers put any value under that name (only a property with the empty schema can be added to an open content model)` }]
    }
    const found: Found[] = []
    const covering = partialSchema(original, name, this.#original)
    if (covering !== undefined) {
      const differences = this.#compareAt(at, covering, updateSchema)
      if (differences.length > 0) {
        found.push(...differences, { type: 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', path: at, say: (p) => `The property '${name}' at path '${p}' in the reader schema is missing in the writer schema, and does not accept every value the additional or pattern properties schema of the writer schema allows` })
      }
    }
    if (required && !withDefault) {
      found.push({ type: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', path: at, say: (p) => `The required property '${name}' at path '${p}' in the reader schema has no default value and is missing in the writer schema` })
    }
    return found
  }

  #dependencies(original: ObjectModel, update: ObjectModel): Found[] {
    const found: Found[] = []
    for (const [name, after] of update.propertyDependencies) {
      const before = original.propertyDependencies.get(name)
      const at = ['dependencies', name]
      if (before === undefined) {
        found.push({ type: 'DEPENDENCY_ARRAY_ADDED', path: at, say: (p) => `The reader schema adds the dependency of '${name}' on [${after.join(', ')}] at path '${p}', which the writer schema does not have` })
      } else if (!before.every((other) => after.includes(other))) {
        if (!after.every((other) => before.includes(other))) {
          found.push({ type: 'DEPENDENCY_ARRAY_CHANGED', path: at, say: (p) => `The dependency of '${name}' at path '${p}' is [${after.join(', ')}] in the reader schema and [${before.join(', ')}] in the writer schema` })
        }
      } else if (!after.every((other) => before.includes(other))) {
        found.push({ type: 'DEPENDENCY_ARRAY_EXTENDED', path: at, say: (p) => `The dependency of '${name}' at path '${p}' requires more properties in the reader schema ([${after.join(', ')}]) than in the writer schema ([${before.join(', ')}])` })
      }
    }
    for (const [name, after] of update.schemaDependencies) {
      const before = original.schemaDependencies.get(name)
      const at = ['dependencies', name]
      if (before === undefined) {
        found.push({ type: 'DEPENDENCY_SCHEMA_ADDED', path: at, say: (p) => `The reader schema adds a schema dependency of '${name}' at path '${p}', which the writer schema does not have` })
      } else {
        found.push(...this.#compareAt(at, before, after))
      }
    }
    return found
  }

  /** `additionalProperties` or `additionalItems` (given as `permitsAdditional` and `additional`). */
  #additional(of: 'properties' | 'items', original: ObjectModel | ArrayModel, update: ObjectModel | ArrayModel): Found[] {
    const keyword = of === 'properties' ? 'additionalProperties' : 'additionalItems'
    const prefix = of === 'properties' ? 'ADDITIONAL_PROPERTIES' : 'ADDITIONAL_ITEMS'
    if (original.permitsAdditional !== update.permitsAdditional) {
      if (update.permitsAdditional) return []
      return [{ type: `${prefix}_REMOVED`, path: [keyword], say: (p) => `The reader schema forbids additional ${of} (path '${p}') while the writer schema allows them` }]
    }
    if (original.additional === undefined && update.additional !== undefined) {
      if (!original.permitsAdditional) return []
      return [{ type: `${prefix}_NARROWED`, path: [keyword], say: (p) => `The reader schema restricts additional ${of} to a schema (path '${p}') while the writer schema allows any` }]
    }
    if (update.additional === undefined) return []
    return this.#compareAt([keyword], original.additional, update.additional)
  }

  #unevaluated(of: 'properties' | 'items', original: SchemaLink | undefined, update: SchemaLink | undefined): Found[] {
    const keyword = of === 'properties' ? 'unevaluatedProperties' : 'unevaluatedItems'
    const prefix = of === 'properties' ? 'UNEVALUATED_PROPERTIES' : 'UNEVALUATED_ITEMS'
    if (update === undefined) return []
    const after = this.#update.load(update).kind
    const before = original === undefined ? undefined : this.#original.load(original).kind
    const removed: Found = { type: `${prefix}_REMOVED`, path: [keyword], say: (p) => `The reader schema forbids unevaluated ${of} (path '${p}') while the writer schema allows them` }
    const narrowed: Found = { type: `${prefix}_NARROWED`, path: [keyword], say: (p) => `The reader schema restricts unevaluated ${of} (path '${p}') more than the writer schema` }
    if (before === undefined) return [after === 'false' ? removed : narrowed]
    if (before === 'false') return []
    if (after === 'false') return [removed]
    if (before === 'empty') return after === 'empty' ? [] : [narrowed]
    if (after === 'empty') return []
    return this.#compareAt([keyword], original, update)
  }

  #array(original: ArrayModel, update: ArrayModel): Found[] {
    const found = this.#compareAt(['items'], original.items, update.items)
    const shared = Math.min(original.itemList.length, update.itemList.length)
    for (let index = 0; index < Math.max(original.itemList.length, update.itemList.length); index++) {
      const at = ['items', String(index)]
      if (index < shared) {
        found.push(...this.#compareAt(at, original.itemList[index], update.itemList[index]))
      } else if (index < original.itemList.length) {
        found.push(...this.#itemRemoved(index, at, original.itemList[index], update))
      } else {
        found.push(...this.#itemAdded(index, at, update.itemList[index], original))
      }
    }
    found.push(...this.#additional('items', original, update))
    found.push(...this.#unevaluated('items', original.unevaluated, update.unevaluated))
    found.push(...limit('maxItems', 'MAX_ITEMS', original.maxItems, update.maxItems, 'max'))
    found.push(...limit('minItems', 'MIN_ITEMS', original.minItems, update.minItems, 'min'))
    if (!original.uniqueItems && update.uniqueItems) {
      found.push({ type: 'UNIQUE_ITEMS_ADDED', path: ['uniqueItems'], say: (p) => `The reader schema requires unique items (path '${p}') while the writer schema does not` })
    }
    found.push(...limit('maxContains', 'MAX_CONTAINS', original.maxContains, update.maxContains, 'max'))
    found.push(...limit('minContains', 'MIN_CONTAINS', original.minContains, update.minContains, 'min'))
    return found
  }

  #itemRemoved(index: number, at: readonly string[], originalSchema: SchemaLink, update: ArrayModel): Found[] {
    if (isOpenArray(update, this.#update)) return []
    const covering = partialItems(update, this.#update)
    if (covering !== undefined) {
      const differences = this.#compareAt(at, originalSchema, covering)
      if (differences.length === 0) return []
      return [...differences, { type: 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', path: at, say: (p) => `The tuple item ${index} at path '${p}' in the writer schema is missing in the reader schema, and the additional items schema of the reader schema does not accept its values` }]
    }
    if (this.#original.load(originalSchema).kind === 'false') return []
    return [{ type: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', path: at, say: (p) => `The tuple item ${index} at path '${p}' in the writer schema is missing in the reader schema, which does not allow additional items` }]
  }

  #itemAdded(index: number, at: readonly string[], updateSchema: SchemaLink, original: ArrayModel): Found[] {
    if (isOpenArray(original, this.#original)) {
      if (this.#update.load(updateSchema).kind === 'empty') return []
      return [{ type: 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', path: at, say: (p) => `The tuple item ${index} at path '${p}' in the reader schema is missing in the writer schema, which allows any additional items` }]
    }
    const covering = partialItems(original, this.#original)
    if (covering === undefined) return []
    const differences = this.#compareAt(at, covering, updateSchema)
    if (differences.length === 0) return []
    return [...differences, { type: 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', path: at, say: (p) => `The tuple item ${index} at path '${p}' in the reader schema does not accept every value the additional items schema of the writer schema allows` }]
  }
}

/** The subschemas without duplicates (equal JSON), as Confluent compares them as a set. */
function distinct(links: readonly SchemaLink[], loader: JsonSchemaLoader): SchemaLink[] {
  const seen = new Set<string>()
  return links.filter((link) => {
    const identity = 'node' in link ? canonicalJson(link.node) : loader.load(link).identity
    if (identity === undefined) return true
    if (seen.has(identity)) return false
    seen.add(identity)
    return true
  })
}

/** Open: additional properties allowed with no schema, no pattern properties, unevaluated ones not restricted. */
function isOpenObject(model: ObjectModel, loader: JsonSchemaLoader): boolean {
  if (!model.permitsAdditional || model.additional !== undefined || model.patternProperties.length > 0) return false
  return model.unevaluated === undefined || loader.load(model.unevaluated).kind === 'empty'
}

/** The schema a partially open object gives to property `name`, if any. */
function partialSchema(model: ObjectModel, name: string, loader: JsonSchemaLoader): SchemaLink | undefined {
  const pattern = model.patternProperties.find(([expression]) => expression.test(name))
  if (pattern !== undefined) return pattern[1]
  if (model.additional !== undefined) return model.additional
  if (model.permitsAdditional && model.unevaluated !== undefined) {
    const kind = loader.load(model.unevaluated).kind
    if (kind !== 'false' && kind !== 'empty') return model.unevaluated
  }
  return undefined
}

function isOpenArray(model: ArrayModel, loader: JsonSchemaLoader): boolean {
  if (!model.permitsAdditional || model.additional !== undefined) return false
  return model.unevaluated === undefined || loader.load(model.unevaluated).kind === 'empty'
}

function partialItems(model: ArrayModel, loader: JsonSchemaLoader): SchemaLink | undefined {
  if (model.additional !== undefined) return model.additional
  if (model.permitsAdditional && model.unevaluated !== undefined) {
    const kind = loader.load(model.unevaluated).kind
    if (kind !== 'false' && kind !== 'empty') return model.unevaluated
  }
  return undefined
}
