import { describe, it } from 'vitest';
import { useNative } from '../src/kernels/index.js';
import { kernelSuite } from './kernel_suite.js';

const status = useNative(true);
useNative(false);

if (status.available) kernelSuite('native');
else describe('native kernels', () => it.skip(`skipped: ${status.reason}`, () => {}));
