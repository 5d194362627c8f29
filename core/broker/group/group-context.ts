/**
 * What the parts of the group coordinator share: configuration, clock, logger, timers, the
 * offsets store and the registry of live groups (Dead groups are removed from it). The
 * coordinator owns it; `group-rebalancer.ts`, `group-membership.ts` and `group-offsets.ts`
 * act on it.
 */
import type { Logger } from '../../logger.ts'
import type { ClassicGroup } from './classic-group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import type { GroupTimers } from './group-timers.ts'
import type { OffsetStore } from './offset-store.ts'

export interface GroupContext {
  readonly config: GroupCoordinatorConfig
  readonly clock: () => number
  readonly logger: Logger
  readonly timers: GroupTimers
  readonly store: OffsetStore
  readonly groups: Map<string, ClassicGroup>
  /** True once `close()` began: every request is answered COORDINATOR_NOT_AVAILABLE. */
  readonly closed: boolean
  /** Registers a write in flight so that `close()` waits for it. */
  track(write: Promise<unknown>): void
}
