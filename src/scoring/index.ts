// Scoring capability: pure functions for SKM numbers, periods and dates. No I/O.
export * from './elements.js';
export * from './ikm.js';
export * from './period.js';
export * from './dates.js';
export * from './numbers.js';
export * from './period-words.js';
