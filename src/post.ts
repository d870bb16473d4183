import { runPost } from './flow/run-post.js';

await runPost();
