#!/usr/bin/env node
// The `creek` command. Creek ships TypeScript sources; tsx compiles them on load.
import { register } from 'tsx/esm/api'

register()
await import('../cli/main.ts')
