/**
 * `derivedContext`: the context an outer store layer gives the layers below it: the task's
 * `StateStoreContext` with some methods replaced. The typed layer replaces `register`, so that
 * the store the runtime restores is the outermost one (what `getStateStore` returns, as Kafka
 * Streams' `root`); the caching layer replaces `recordTimestamp`, so that entries it flushes are
 * logged with the timestamp of their write. Everything else delegates to the task's context.
 */
import type { StateStoreContext } from './api.ts'

export function derivedContext(context: StateStoreContext, overrides: Partial<Pick<StateStoreContext, 'register' | 'recordTimestamp'>>): StateStoreContext {
  return {
    get applicationId() {
      return context.applicationId
    },
    get taskId() {
      return context.taskId
    },
    get taskDir() {
      return context.taskDir
    },
    get config() {
      return context.config
    },
    logChange: (storeName, key, value, timestamp) => context.logChange(storeName, key, value, timestamp),
    register: overrides.register ?? ((store, restore) => context.register(store, restore)),
    recordTimestamp: overrides.recordTimestamp ?? (() => context.recordTimestamp()),
  }
}
