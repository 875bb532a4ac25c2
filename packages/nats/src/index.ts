export * from './connect.js';
export * from './federation.js';
export * from './federation-local.js';
export * from './health.js';
export * from './messaging.js';
export * from './nats-server.js';
export * from './server-config.js';
export * from './subjects.js';
