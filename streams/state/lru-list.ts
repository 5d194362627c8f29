/**
 * `LruList`: an intrusive doubly linked list of cache keys by recency of use, least recent
 * first, with O(1) touch, removal and access to the oldest. The record cache keeps each key's
 * node in its entry, so no second hash map is needed.
 *
 * (A `Set` re-inserted on each use looks equivalent, but V8 keeps deleted slots until it
 * rehashes, so repeatedly reading the oldest element of a Set that is also deleted from at the
 * front costs O(deleted slots), which made eviction quadratic.)
 */

export interface LruNode {
  readonly id: string
  prev: LruNode | null
  next: LruNode | null
  linked: boolean
}

export class LruList {
  #head: LruNode | null = null
  #tail: LruNode | null = null
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The least recently used node, or null when empty. */
  get oldest(): LruNode | null {
    return this.#head
  }

  static node(id: string): LruNode {
    return { id, prev: null, next: null, linked: false }
  }

  /** Makes `node` the most recently used (linking it when it is not in the list). */
  touch(node: LruNode): void {
    if (node.linked) {
      if (node === this.#tail) return
      this.remove(node)
    }
    node.prev = this.#tail
    node.next = null
    if (this.#tail === null) this.#head = node
    else this.#tail.next = node
    this.#tail = node
    node.linked = true
    this.#size++
  }

  remove(node: LruNode): void {
    if (!node.linked) return
    if (node.prev === null) this.#head = node.next
    else node.prev.next = node.next
    if (node.next === null) this.#tail = node.prev
    else node.next.prev = node.prev
    node.prev = null
    node.next = null
    node.linked = false
    this.#size--
  }

  clear(): void {
    this.#head = null
    this.#tail = null
    this.#size = 0
  }
}
