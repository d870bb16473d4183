import { runMain } from './flow/run.js';

await runMain();
