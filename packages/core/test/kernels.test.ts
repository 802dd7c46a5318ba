import { kernelSuite } from './kernel_suite.js';

kernelSuite('js');
