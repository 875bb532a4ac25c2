/**
 * Vitest setup file of the end-to-end files: after a failed test, what the browser's open pages showed
 * (`showOpenPages`). A setup file runs for every test file, where a hook in a module they share would
 * run for the first one only.
 */
import { afterEach } from 'vitest';
import { showOpenPages } from './browser.js';

afterEach(showOpenPages);
